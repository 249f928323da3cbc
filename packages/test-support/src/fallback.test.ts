// The time-skipping environment: the installed test server first; without one, the SDK's own
// download; when that fails as well, an error that says how to get a binary. The download is
// injected here, so these tests never touch the network or leave a server running.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { UserError } from '@background-check/common';
import { createTimeSkippingEnv } from './servers';

describe('the time-skipping environment when no test server is installed', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env.TEMPORAL_TEST_SERVER_PATH;
    process.env.BACKGROUNDCHECK_TOOLS_DIR = '/nonexistent-tools';
    process.env.PATH = '/usr/bin:/bin';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it("falls back to the SDK's download", async () => {
    const downloaded = { fake: 'environment' } as unknown as TestWorkflowEnvironment;
    const download = jest.fn(async () => downloaded);
    await expect(createTimeSkippingEnv({ download })).resolves.toBe(downloaded);
    expect(download).toHaveBeenCalledTimes(1);
  });

  it('when the download fails too, says how to install the binary and why the download failed', async () => {
    const download = jest.fn(async (): Promise<TestWorkflowEnvironment> => {
      throw new Error('getaddrinfo ENOTFOUND (injected)');
    });
    const created = createTimeSkippingEnv({ download });
    await expect(created).rejects.toThrow(UserError);
    await expect(created).rejects.toThrow(
      /time-skipping test server was not found[\s\S]*install-temporal\.mjs[\s\S]*TEMPORAL_TEST_SERVER_PATH[\s\S]*download fallback failed too: getaddrinfo ENOTFOUND \(injected\)/,
    );
  });

  it('does not download when TEMPORAL_TEST_SERVER_PATH names nothing: that is a mistake to fix', async () => {
    process.env.TEMPORAL_TEST_SERVER_PATH = '/nowhere/temporal-test-server';
    const download = jest.fn();
    await expect(createTimeSkippingEnv({ download })).rejects.toThrow(/TEMPORAL_TEST_SERVER_PATH=\/nowhere/);
    expect(download).not.toHaveBeenCalled();
  });
});

describe('the time-skipping environment with the installed test server', () => {
  it('runs the binary and never downloads', async () => {
    const download = jest.fn();
    const env = await createTimeSkippingEnv({ download });
    try {
      expect(download).not.toHaveBeenCalled();
      expect(env.supportsTimeSkipping).toBe(true);
      // The server answers: a namespace description round-trips.
      await expect(env.connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
    } finally {
      await env.teardown();
    }
  });
});
