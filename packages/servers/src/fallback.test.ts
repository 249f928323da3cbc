// Without the project's binaries (and none on PATH), the servers fall back to the SDK's own
// download; where that cannot work (no internet, as on CI), the error says how to get a binary.
import { createTimeSkippingEnv } from './test-env';
import { startDevServer } from './dev-server';

describe('no Temporal binaries installed', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.BACKGROUNDCHECK_TOOLS_DIR = '/nonexistent-tools';
    process.env.PATH = '/usr/bin:/bin';
    delete process.env.TEMPORAL_CLI_PATH;
    delete process.env.TEMPORAL_TEST_SERVER_PATH;
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  // These tests only make sense where the download cannot succeed; with internet they would
  // download a server, which is the fallback working, not a failure of it.
  const offline = !process.env.BACKGROUNDCHECK_ONLINE;

  (offline ? it : it.skip)('the dev server: tries the SDK download, then says how to install the CLI', async () => {
    await expect(startDevServer({ port: 0, uiPort: 0, dbFilename: '/tmp/never-used.db' })).rejects.toThrow(
      /Temporal CLI was not found[\s\S]*install-temporal\.mjs[\s\S]*TEMPORAL_CLI_PATH[\s\S]*download fallback failed too/,
    );
  });

  (offline ? it : it.skip)('the time-skipping server: tries the SDK download, then says how to install it', async () => {
    await expect(createTimeSkippingEnv()).rejects.toThrow(/time-skipping test server was not found[\s\S]*TEMPORAL_TEST_SERVER_PATH[\s\S]*download fallback failed too/);
  });
});
