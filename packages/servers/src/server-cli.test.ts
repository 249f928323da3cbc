// `pnpm server`: the real dev server with the chapter's namespace, state in a file, clean Ctrl-C.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NAMESPACE } from '@background-check/common';
import { freePort, portAnswers } from './dev-server';
import { groupAlive, killGroup, runScript } from './processes';

describe('pnpm server', () => {
  it('serves gRPC and the Web UI, registers backgroundcheck_namespace, keeps state in a file, and stops on Ctrl-C', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'server-cli-'));
    const port = await freePort();
    const address = `localhost:${port}`;
    const server = runScript('packages/servers/src/server-cli.ts', [], { TEMPORAL_ADDRESS: address, BACKGROUNDCHECK_STATE_DIR: tmp });
    try {
      await server.waitForOutput('Ctrl-C to stop.', 60_000);
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

      killGroup(server.child, 'SIGINT');
      expect(await server.exit(30_000)).toBe(0);
      expect(server.output()).toContain('Dev server stopped.');
      expect(await portAnswers(address)).toBe(false);
      expect(groupAlive(server.child.pid!)).toBe(false);
    } finally {
      killGroup(server.child, 'SIGKILL');
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('refuses a remote TEMPORAL_ADDRESS with a clear message', async () => {
    const server = runScript('packages/servers/src/server-cli.ts', [], { TEMPORAL_ADDRESS: 'temporal.example.com:7233' });
    expect(await server.exit(30_000)).toBe(1);
    expect(server.output()).toContain('is not on this machine');
  });
});
