// `pnpm start` with a server already running at the configured address: uses it, leaves it running.
import fs from 'node:fs';
import { portAnswers, type DevServer } from '@background-check/servers';
import { killAllChildren, spawnTs, startDevServerIn, tempDir, expectExit } from '@background-check/test-support';

describe('pnpm start with a running server', () => {
  let tmp: string;
  let server: DevServer;

  beforeAll(async () => {
    tmp = tempDir('run-once-existing');
    server = await startDevServerIn(tmp);
  });

  afterAll(async () => {
    await killAllChildren();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('uses the server that answers and does not stop it', async () => {
    const main = spawnTs('pnpm start', 'packages/starter/src/run-once.ts', [], {
      env: { TEMPORAL_ADDRESS: server.address, BACKGROUNDCHECK_STATE_DIR: tmp },
      detached: true,
    });
    await expectExit(main, 0, 150_000);
    expect(main.output()).toContain(`Using the Temporal server at ${server.address}`);
    expect(main.output()).toContain('Status: COMPLETED');
    expect(main.output()).not.toContain('Stopping the dev server');
    expect(await portAnswers(server.address)).toBe(true);
  });
});
