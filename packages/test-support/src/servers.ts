// Real Temporal servers for tests: the time-skipping test server and a dev server of the test's own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { UserError } from '@background-check/common';
import { findTestServer, freePort, startDevServer, type DevServer } from '@background-check/servers';

// One free-port finder for the whole project: the servers package's.
export { freePort };

/** A fresh folder under the OS temp dir for one test's files (state db, server log, certificates). */
export const tempDir = (label: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `background-check-${label}-`));

/**
 * The SDK's time-skipping environment on the real test server: the installed binary (see
 * findTestServer), else `download` (the SDK's own, which needs internet; tests inject another);
 * when that fails too, the error says how to get a binary.
 */
export async function createTimeSkippingEnv({
  download = () => TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'cached-download' } } }),
}: { download?: () => Promise<TestWorkflowEnvironment> } = {}): Promise<TestWorkflowEnvironment> {
  let binary: string;
  try {
    binary = findTestServer();
  } catch (missing) {
    // A variable that names no executable is a mistake to report, not a reason to download.
    if (process.env.TEMPORAL_TEST_SERVER_PATH || !(missing instanceof UserError)) throw missing;
    return await download().catch((err: unknown) => {
      throw new UserError(
        `${missing.message}\n(The SDK's download fallback failed too: ${(err as Error)?.message ?? err})`,
      );
    });
  }
  return await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: binary } },
  });
}

/**
 * A dev server of the test's own: free ports (never the chapter's 7233/8233), its state file and
 * log in `dir`, so a restart on the same `port` and `dir` finds the same executions.
 */
export async function startDevServerIn(dir: string, port?: number): Promise<DevServer> {
  return await startDevServer({
    port: port ?? (await freePort()),
    uiPort: await freePort(),
    dbFilename: path.join(dir, 'dev.db'),
    log: path.join(dir, 'server.log'),
  });
}
