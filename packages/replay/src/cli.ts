// `pnpm test:replay [file-or-folder ...]`: replays every history (default: histories/) against the
// current workflow code with one prebuilt bundle; PASS or FAIL per file, with an explanation for
// non-determinism; exit 1 on any failure, 2 on bad usage.
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { CodecProblem, dataConverterFromEnv } from '@background-check/codec';
import { UsageError } from '@background-check/common';
import { userPath } from '@background-check/history';
import * as workflows from '@background-check/workflows';
import { repoRoot } from '@background-check/servers';
import { formatLogEntry, prebuiltBundle } from '@background-check/worker';
import { formatReport } from './report';
import { replayHistories } from './replay';
import { listHistoryFiles } from './validate';
import { workflowTypesOf } from './workflow-types';

const USAGE = `Usage: pnpm test:replay [file-or-folder ...] [--processes N] [--timeout SECONDS] [--verbose]
  Replays each history (default: every *.json under histories/) against the current workflow code.
  --processes N    replay in N child processes (0: in this process); default: automatic by corpus size
  --timeout S      bound on each history's replay (default 10)
  --verbose        show the SDK's whole error under each explanation`;

function parseArgs(argv: string[]): { targets: string[]; processes?: number; timeoutMs?: number; verbose: boolean; help: boolean } {
  const out = { targets: [] as string[], processes: undefined as number | undefined, timeoutMs: undefined as number | undefined, verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value.`);
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`${a} takes a number, not "${v}".`);
      return n;
    };
    if (a === '--') continue;
    else if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--verbose' || a === '-v') out.verbose = true;
    else if (a === '--processes') out.processes = value();
    else if (a === '--timeout') out.timeoutMs = value() * 1000;
    else if (a.startsWith('-')) throw new UsageError(`Unknown option ${a}.`);
    else out.targets.push(a);
  }
  if (out.timeoutMs === 0) throw new UsageError('--timeout must be more than 0 seconds.');
  return out;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const root = repoRoot();
  const targets = args.targets.length > 0 ? args.targets.map((a) => userPath(a)) : [path.join(root, 'histories')];
  const files: string[] = [];
  for (const target of targets) {
    if (!fs.existsSync(target)) {
      console.error(`${target} does not exist. Name a history JSON file or a folder of them.`);
      return 2;
    }
    files.push(...(fs.statSync(target).isDirectory() ? listHistoryFiles(target) : [target]));
  }
  if (files.length === 0) {
    console.error(`No *.json histories under ${targets.join(', ')}. Save one with \`temporal workflow show --output json\` or \`pnpm history:fetch\`.`);
    return 1;
  }
  let dataConverter;
  try {
    // Histories of executions whose payloads were encrypted replay with the same key.
    dataConverter = dataConverterFromEnv();
  } catch (err) {
    if (!(err instanceof CodecProblem)) throw err;
    console.error(err.message);
    return 2;
  }
  const started = Date.now();
  // Core's own warning for each failed replay repeats what the report explains better.
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => console.error(formatLogEntry(entry))),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    shutdownSignals: [],
  });
  const { codePath } = await prebuiltBundle((reason) => console.log(`Bundling the workflow code (${reason})...`));
  const results = await replayHistories(files, {
    workflowBundle: { codePath },
    workflowTypes: workflowTypesOf(workflows),
    processes: args.processes ?? 'auto',
    historyTimeoutMs: args.timeoutMs,
    dataConverter,
  });
  console.log(formatReport(results, { root, elapsedMs: Date.now() - started, verbose: args.verbose }));
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`Replay could not run: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  },
);
