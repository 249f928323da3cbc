import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer } from '@background-check/servers';

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
