// `pnpm start:server`: the real dev server with the chapter's namespace, state in a file, clean Ctrl-C.
// (Here rather than in packages/servers: its tests cannot use the test helpers, which build on servers.)
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NAMESPACE } from '@background-check/common';
import { portAnswers } from '@background-check/servers';
import {
  STACK_FRAME,
  freePort,
  groupAlive,
  killAllChildren,
  spawnTs,
  tempDir,
  expectExit,
} from '@background-check/test-support';

const SERVER = 'packages/servers/src/server-cli.ts';

afterAll(async () => {
  await killAllChildren();
});

test('serves gRPC and the Web UI, registers backgroundcheck_namespace, keeps state in a file, and stops on Ctrl-C', async () => {
  const tmp = tempDir('server-cli');
  const port = await freePort();
  const address = `localhost:${port}`;
  const server = spawnTs('pnpm start:server', SERVER, [], {
    env: { TEMPORAL_ADDRESS: address, BACKGROUNDCHECK_STATE_DIR: tmp },
    detached: true,
  });
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
  await expectExit(server, 0, 30_000);
  expect(server.output()).toContain('Dev server stopped.');
  expect(server.output()).not.toMatch(STACK_FRAME);
  expect(await portAnswers(address)).toBe(false);
  expect(groupAlive(server.pid)).toBe(false);
  fs.rmSync(tmp, { recursive: true, force: true });
}, 120_000);

test('refuses a remote TEMPORAL_ADDRESS with a clear message', async () => {
  const server = spawnTs('pnpm start:server', SERVER, [], { env: { TEMPORAL_ADDRESS: 'temporal.example.com:7233' } });
  await expectExit(server, 1, 30_000);
  expect(server.stderr().trim()).toMatch(/^TEMPORAL_ADDRESS=temporal\.example\.com:7233 is not on this machine/);
  expect(server.output()).not.toMatch(STACK_FRAME);
});
