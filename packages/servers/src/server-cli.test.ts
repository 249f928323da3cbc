// `pnpm server`: the real dev server with the chapter's namespace, state in a file, clean Ctrl-C.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NAMESPACE } from '@background-check/common';
import { freePort, portAnswers } from './dev-server';
import { groupAlive, spawnTs, waitForExit } from './processes';

describe('pnpm server', () => {
  it('serves gRPC and the Web UI, registers backgroundcheck_namespace, keeps state in a file, and stops on Ctrl-C', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'server-cli-'));
    const port = await freePort();
    const address = `localhost:${port}`;
    const server = spawnTs('pnpm server', 'packages/servers/src/server-cli.ts', [], { env: { TEMPORAL_ADDRESS: address, BACKGROUNDCHECK_STATE_DIR: tmp }, detached: true });
    try {
      await server.waitFor(/Ctrl-C to stop\./, 60_000);
      expect(server.output()).toContain(`Web UI: http://localhost:${port + 1000}`);
      expect(await portAnswers(`localhost:${port + 1000}`)).toBe(true);
      const connection = await Connection.connect({ address, connectTimeout: '5s' });
      try {
        const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
        expect(namespaceInfo?.name).toBe(NAMESPACE);
      } finally {
        await connection.close();
      }
      expect(fs.existsSync(path.join(tmp, 'dev-server.db'))).toBe(true);

      server.kill('SIGINT', true);
      expect((await waitForExit(server, 30_000)).code).toBe(0);
      expect(server.output()).toContain('Dev server stopped.');
      expect(await portAnswers(address)).toBe(false);
      expect(groupAlive(server.pid)).toBe(false);
    } finally {
      server.kill('SIGKILL', true);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('refuses a remote TEMPORAL_ADDRESS with a clear message', async () => {
    const server = spawnTs('pnpm server', 'packages/servers/src/server-cli.ts', [], { env: { TEMPORAL_ADDRESS: 'temporal.example.com:7233' } });
    expect((await waitForExit(server, 30_000)).code).toBe(1);
    expect(server.output()).toContain('is not on this machine');
  });
});
