// Helpers shared by the project's plain-Node scripts (they run before dependencies exist).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS = path.join(ROOT, '.tools');

/** Runs a command with inherited output; returns its exit code (a spawn failure counts as 127). */
export function run(cmd, args, options = {}) {
  const { status, error } = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (error) console.error(`Could not run ${cmd}: ${error.message}`);
  return error ? 127 : (status ?? 1);
}

export function fail(message, code = 1) {
  console.error(`\n${message}`);
  process.exit(code);
}
