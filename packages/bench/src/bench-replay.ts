// `pnpm bench:replay [N]` (default 500): replays N histories three ways and prints histories per
// second and the ratios:
//   1. naive: one Worker.runReplayHistory per history, which bundles the workflow code every time
//      (measured on a sample, it takes ~1 s per history);
//   2. the SDK's Worker.runReplayHistories: one worker, one prebuilt bundle, all histories;
//   3. the project's runner (@background-check/replay): checks each file, then replays on one bundle,
//      sharded across child processes (one per core but one, plus this process) for a corpus this size.
// Then it profiles the plain loop and prints where an 11-event history's time goes.
// The N histories are recorded ones from histories/ varied in what replay doesn't compare (SSN,
// workflow id, identity), so all replay against the current code.
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import * as workflows from '@background-check/workflows';
import { chooseProcesses, listHistoryFiles, replayHistories, workflowTypesOf } from '@background-check/replay';
import { repoRoot, stateDir } from '@background-check/servers';
import { WORKFLOWS_PATH, prebuiltBundle } from '@background-check/worker';
import { makeCorpus } from './corpus';
import { CATEGORIES, profileByCategory } from './profile';

const USAGE = [
  'Usage: pnpm bench:replay [N] [--naive-sample K] [--processes P] [--repeat R] [--skip-naive]',
  '  N histories (default 500); K of them the naive way (default 5); P runner processes (default: one per core);',
  '  R runs of each way, the median reported (default 3: the machine may be shared).',
].join('\n');

interface Row {
  label: string;
  histories: number;
  seconds: number;
  note?: string;
}

function parseArgs(argv: string[]) {
  const out = { n: 500, naiveSample: 5, processes: undefined as number | undefined, skipNaive: false, repeat: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (v: string | undefined, what: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number, not "${v}".\n${USAGE}`);
      return n;
    };
    if (a === '--') continue;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a === '--naive-sample') out.naiveSample = num(argv[++i], '--naive-sample');
    else if (a === '--processes') out.processes = num(argv[++i], '--processes');
    else if (a === '--skip-naive') out.skipNaive = true;
    else if (a === '--repeat') out.repeat = Math.max(1, num(argv[++i], '--repeat'));
    else if (/^\d+$/.test(a)) out.n = num(a, 'N');
    else throw new Error(`Unknown argument ${a}.\n${USAGE}`);
  }
  if (out.n < 1) throw new Error(`N must be at least 1.\n${USAGE}`);
  return out;
}

const readHistory = (file: string) => historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));

/** The SDK's own way: one replay worker and one bundle, histories read from disk as they are fed. */
async function plainLoop(files: string[], code: string): Promise<number> {
  let failed = 0;
  async function* feed() {
    for (const file of files) yield { workflowId: path.basename(file), history: readHistory(file) };
  }
  for await (const result of Worker.runReplayHistories({ workflowBundle: { code } }, feed())) if (result.error) failed++;
  return failed;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e9];
}

/** Runs `fn` `times` times; the last value and the median duration. */
async function median<T>(times: number, fn: () => Promise<T>): Promise<[T, number, number[]]> {
  const all: number[] = [];
  let value!: T;
  for (let i = 0; i < times; i++) {
    const [v, s] = await timed(fn);
    value = v;
    all.push(s);
  }
  const sorted = [...all].sort((a, b) => a - b);
  return [value, sorted[Math.floor(sorted.length / 2)]!, all];
}

const spread = (all: number[]) => (all.length > 1 ? ` (runs: ${all.map((s) => s.toFixed(2)).join(', ')} s)` : '');

function rate(row: Row): number {
  return row.histories / row.seconds;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = repoRoot();
  const sources = listHistoryFiles(path.join(root, 'histories'));
  const files = makeCorpus(sources, args.n, stateDir('bench', 'corpus'));
  const cores = os.availableParallelism();
  console.log(`Replay benchmark: ${args.n} histories (from ${sources.length} recorded ones in histories/), ${cores} cores, Node ${process.version}.`);
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    shutdownSignals: [],
  });
  const { codePath } = await prebuiltBundle((reason) => console.log(`Bundling the workflow code (${reason})...`));
  const code = fs.readFileSync(codePath, 'utf8');
  // Warm up (module loading, JIT) so the first measurement isn't charged for it.
  await plainLoop(files.slice(0, 20), code);

  const rows: Row[] = [];
  if (!args.skipNaive && args.naiveSample > 0) {
    const sample = files.slice(0, Math.min(args.naiveSample, files.length));
    process.stdout.write(`1. naive runReplayHistory (bundles each time), ${sample.length} of them ... `);
    const [, seconds] = await timed(async () => {
      for (const file of sample) await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, readHistory(file));
    });
    rows.push({ label: 'naive: runReplayHistory per file', histories: sample.length, seconds, note: `sample of ${sample.length}` });
    console.log(`${seconds.toFixed(1)} s`);
  }

  process.stdout.write(`2. Worker.runReplayHistories, one worker and one bundle, ${files.length} histories ... `);
  const [loopFailed, loopSeconds, loopAll] = await median(args.repeat, () => plainLoop(files, code));
  rows.push({ label: 'SDK runReplayHistories loop', histories: files.length, seconds: loopSeconds });
  console.log(`${loopSeconds.toFixed(2)} s${loopFailed ? ` (${loopFailed} FAILED)` : ''}${spread(loopAll)}`);

  const types = workflowTypesOf(workflows);
  const runner = async (label: string, processes: number | 'auto', vmWatchdog = false, replayHere = true) => {
    process.stdout.write(`3. project runner, ${label} ... `);
    const [results, seconds, all] = await median(args.repeat, () =>
      replayHistories(files, { workflowBundle: { codePath }, workflowTypes: types, processes, vmWatchdog, replayHere, historyTimeoutMs: 30_000 }),
    );
    const failed = results.filter((r) => !r.ok).length;
    rows.push({ label: `project runner, ${label}`, histories: files.length, seconds, note: failed ? `${failed} FAILED` : undefined });
    console.log(`${seconds.toFixed(2)} s${failed ? ` (${failed} FAILED)` : ''}${spread(all)}`);
  };
  const children = args.processes ?? chooseProcesses(files.length, 'auto');
  const shape = children > 0 ? `${children} child process${children === 1 ? '' : 'es'} + this one` : 'in this process';
  await runner(`default (${shape})`, args.processes ?? 'auto');
  await runner('in this process only', 0);
  if (children > 0) await runner(`${shape}, SDK vm watchdog kept`, children, true);
  if (process.env.BENCH_CONFIGS) {
    await runner('1 child + this process', 1);
    await runner('2 children + this process', 2);
    await runner('2 children only', 2, false, false);
    await runner('1 child only', 1, false, false);
  }

  // Where an 11-event history's time goes: the plain loop, profiled, on the most common shape.
  const short = files.filter((f) => JSON.parse(fs.readFileSync(f, 'utf8')).events.length === 11).slice(0, 300);
  let breakdown = '';
  if (short.length >= 20) {
    let perHistoryMs = 0;
    const profile = await profileByCategory(async () => {
      const [, seconds] = await timed(() => plainLoop(short, code));
      perHistoryMs = (seconds * 1000) / short.length;
    });
    const total = Object.values(profile).reduce((a, b) => a + b, 0);
    const lines = CATEGORIES.map(([c, words]) => `  ${((profile[c] / short.length) || 0).toFixed(2).padStart(6)} ms  ${String(Math.round((100 * profile[c]) / total)).padStart(3)}%  ${words}`);
    // The same loop without Node's per-call watchdog thread: how much of the time that thread costs.
    const runInContext = vm.Script.prototype.runInContext;
    vm.Script.prototype.runInContext = function (this: vm.Script, context: vm.Context, options?: vm.RunningScriptOptions) {
      return runInContext.call(this, context, options ? { ...options, timeout: undefined } : options);
    };
    const [, noWatchdog] = await timed(() => plainLoop(short, code));
    vm.Script.prototype.runInContext = runInContext;
    breakdown = [
      `Where the time goes: the plain loop on ${short.length} 11-event histories takes ${perHistoryMs.toFixed(1)} ms each (main thread, V8 CPU profile):`,
      ...lines,
      `  Without the vm timeout's watchdog thread the same loop takes ${((noWatchdog * 1000) / short.length).toFixed(1)} ms per history.`,
    ].join('\n');
  }

  const loop = rows.find((r) => r.label.startsWith('SDK'))!;
  const naive = rows.find((r) => r.label.startsWith('naive'));
  console.log('\nResults (histories per second; ratios against the SDK loop and the naive way):');
  for (const row of rows) {
    const vsLoop = (rate(row) / rate(loop)).toFixed(2);
    const vsNaive = naive ? `${(rate(row) / rate(naive)).toFixed(0)}x naive` : '';
    console.log(`  ${row.label.padEnd(52)} ${rate(row).toFixed(1).padStart(8)} /s  ${vsLoop.padStart(6)}x loop  ${vsNaive.padStart(12)}${row.note ? `  (${row.note})` : ''}`);
  }
  if (breakdown) console.log(`\n${breakdown}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error((err as Error)?.message ?? String(err));
    process.exit(1);
  },
);
