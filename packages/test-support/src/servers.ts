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
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `background-check-${label}-`));
}

/** The SDK's own download of the test server (needs internet), used only when no binary is installed. */
export function sdkDownload(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'cached-download' } } });
}

export interface TimeSkippingOptions {
  /** How to get a server when no binary is installed; the SDK's download unless a test injects another. */
  download?: () => Promise<TestWorkflowEnvironment>;
}

/**
 * The SDK's time-skipping environment on the real test server: the installed binary (see
 * findTestServer), else the SDK's own download; when that fails too, the error says how to get a binary.
 */
export async function createTimeSkippingEnv({
  download = sdkDownload,
}: TimeSkippingOptions = {}): Promise<TestWorkflowEnvironment> {
  let binary: string;
  try {
    binary = findTestServer();
  } catch (missing) {
    // A variable that names no executable is a mistake to report, not a reason to download.
    if (process.env.TEMPORAL_TEST_SERVER_PATH || !(missing instanceof UserError)) throw missing;
    return await downloadOrExplain(download, missing);
  }
  return await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: binary } },
  });
}

async function downloadOrExplain(
  download: () => Promise<TestWorkflowEnvironment>,
  missing: UserError,
): Promise<TestWorkflowEnvironment> {
  try {
    return await download();
  } catch (err) {
    throw new UserError(
      `${missing.message}\n(The SDK's download fallback failed too: ${(err as Error)?.message ?? String(err)})`,
    );
  }
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
