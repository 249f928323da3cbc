import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NAMESPACE } from '@background-check/common';
import { createTimeSkippingEnv, killAllChildren, startDevServerIn, type DevServer } from '@background-check/servers';

/** A fresh folder under the OS temp dir for one test's files (state db, server log, certificates). */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `background-check-${label}-`));
}

/**
 * One real dev server and a client for a whole test file: started before its tests, and after
 * them every child process the file spawned is killed and the server stopped.
 */
export function useDevServer(label: string, ready: (server: DevServer, client: Client) => void): void {
  let server: DevServer | undefined;
  let connection: Connection | undefined;
  beforeAll(async () => {
    server = await startDevServerIn(tempDir(label));
    connection = await Connection.connect({ address: server.address });
    ready(server, new Client({ connection, namespace: NAMESPACE }));
  }, 90_000);
  afterAll(async () => {
    await killAllChildren();
    await connection?.close();
    await server?.stop();
  });
}

/** The same for the time-skipping test server: one environment for a whole test file. */
export function useTimeSkippingEnv(ready: (env: TestWorkflowEnvironment) => void): void {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    ready(env);
  }, 60_000);
  afterAll(async () => {
    await killAllChildren();
    await env?.teardown();
  });
}
