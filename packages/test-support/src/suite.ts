// Per-file servers for jest suites: started in beforeAll, and in afterAll every child process the
// file spawned is reaped, then every connection closed and the server stopped.
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NAMESPACE } from '@background-check/common';
import type { DevServer } from '@background-check/servers';
import { killAllChildren } from './processes';
import { createTimeSkippingEnv, startDevServerIn, tempDir } from './servers';

/** One real dev server and a client for a whole test file. */
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
  }, 60_000);
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
  }, 60_000);
}
