import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NAMESPACE } from '@background-check/common';
import { startDevServer, type DevServer } from '@background-check/servers';
import { killAllChildren } from './children';

/** A fresh folder under the OS temp dir for one test's files (state db, server log, certificates). */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `background-check-${label}-`));
}

/**
 * The real dev server for one test: free ports (never 7233/8233), its SQLite state file and its
 * log in the given folder (so a restart on the same `port` and folder finds the same state).
 */
export async function startTestDevServer(dir: string, port = 0): Promise<DevServer> {
  return await startDevServer({ port, uiPort: 0, dbFilename: path.join(dir, 'state.db'), log: path.join(dir, 'dev-server.log') });
}

/**
 * One real dev server and a client for a whole test file: started before its tests, and after
 * them every child process the file spawned is killed and the server stopped.
 */
export function useDevServer(label: string, ready: (server: DevServer, client: Client) => void): void {
  let server: DevServer | undefined;
  let connection: Connection | undefined;
  beforeAll(async () => {
    server = await startTestDevServer(tempDir(label));
    connection = await Connection.connect({ address: server.address });
    ready(server, new Client({ connection, namespace: NAMESPACE }));
  }, 90_000);
  afterAll(async () => {
    await killAllChildren();
    await connection?.close();
    await server?.stop();
  });
}
