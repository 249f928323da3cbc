import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NAMESPACE } from '@background-check/common';
import { TEMPORAL_CLI, TEST_SERVER, findBinary, missingBinaryHelp } from './binaries';

/**
 * The SDK's time-skipping environment on the real Java test server: the project's pinned binary
 * when there is one, else the SDK's own download (which needs internet).
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = findBinary(TEST_SERVER);
  try {
    return await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: path ? { type: 'existing-path', path } : { type: 'cached-download' } },
    });
  } catch (err) {
    if (path) throw err;
    throw new Error(`${missingBinaryHelp(TEST_SERVER)}\n(The SDK's download fallback failed too: ${String(err)})`);
  }
}

/** The SDK's local environment on the real Temporal CLI dev server, on a free port, in memory. */
export async function createLocalEnv(namespace: string = NAMESPACE): Promise<TestWorkflowEnvironment> {
  const path = findBinary(TEMPORAL_CLI);
  try {
    return await TestWorkflowEnvironment.createLocal({
      server: {
        executable: path ? { type: 'existing-path', path } : { type: 'cached-download' },
        namespace,
        log: { format: 'pretty', level: 'error' },
      },
    });
  } catch (err) {
    if (path) throw err;
    throw new Error(`${missingBinaryHelp(TEMPORAL_CLI)}\n(The SDK's download fallback failed too: ${String(err)})`);
  }
}
