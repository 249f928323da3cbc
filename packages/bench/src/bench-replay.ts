// `pnpm bench:replay`: the replay check against its peers, end to end, on the same generated history files
// (see USAGE). A benchmark: the tests never run it (timings belong here, not in assertions).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError, parseCommandArgs, repoRoot, runCommand } from '@background-check/common';
import { historyFolder } from './generate';
import { killAll, measure, type Measured } from './measure';
import { figures, loadAverage, machine } from './report';

const USAGE = `Usage: pnpm bench:replay [--histories N ...] [--jobs N] [--one-call]
  Writes N histories once (default 1000; cloned from histories/, kept under .temporal/bench/) and replays that
  folder four ways, each its own process tree timed from spawn to exit (start and bundle load included):
    the SDK loop (Worker.runReplayHistories, one worker), one Worker.runReplayHistory call per history (as the
    third-party replay actions do; above 1000 histories only with --one-call: it takes 0.1 to 0.3 s and 1.6 MB
    of memory per history), \`pnpm test:replay --jobs 1\` and \`pnpm test:replay --jobs N\` (default: the cores).
  Prints histories/s, the ratio to the SDK loop, peak RSS and CPU time of each, and the load average.
  --histories N   corpus size; repeat it for several (--histories 1000 --histories 10000)`;
const ONE_CALL_MAX = 1000;
const TS_NODE = require.resolve('ts-node/dist/bin.js');
const PNPM = process.env.npm_execpath || 'pnpm'; // the pnpm running this script, when it runs one

/** One way to replay a folder of histories: its command line (the first element is the program). */
interface Way {
  name: string;
  argv: (folder: string, out: string) => string[];
  slow?: boolean; // runs on at most ONE_CALL_MAX histories unless --one-call
}
const peer = (name: string, script: string, slow = false): Way => ({
  name,
  slow,
  argv: (folder) => [process.execPath, TS_NODE, path.join(__dirname, 'peers', script), folder],
});

async function benchOne(count: number, ways: Way[], oneCall: boolean): Promise<boolean> {
  const folder = historyFolder(count);
  console.log(
    `\n${count} histories in ${path.relative(repoRoot(), folder)}, ${machine()}; load average ${loadAverage()}`,
  );
  let sdkLoop: Measured | undefined;
  let ok = true;
  for (const way of ways) {
    if (way.slow && count > ONE_CALL_MAX && !oneCall) {
      console.log(`  ${way.name.padEnd(48)} skipped above ${ONE_CALL_MAX} histories (--one-call runs it)`);
      continue;
    }
    // The tool's JSON report: a file, so printing it does not count; read by no one.
    const out = path.join(os.tmpdir(), `bench-replay-${process.pid}.json`);
    const [command, ...args] = way.argv(folder, out);
    // A bound for the slowest way: 60 s to start, then 0.5 s a history.
    const m = await measure(command!, args, { cwd: repoRoot(), timeoutMs: 60_000 + count * 500 });
    fs.rmSync(out, { force: true });
    sdkLoop ??= m;
    const ratio = `${(sdkLoop.wallS / m.wallS).toFixed(2)}x the SDK loop`;
    console.log(`  ${way.name.padEnd(48)} ${figures(m, count)}, ${ratio}`);
    if (m.code !== 0) {
      ok = false;
      console.log(`    exit code ${m.code}:\n${m.output.replace(/^/gm, '    ')}`);
    }
  }
  console.log(`  load average after: ${loadAverage()}`);
  return ok;
}

runCommand(async () => {
  const { values } = parseCommandArgs(
    process.argv.slice(2),
    { histories: { type: 'string', multiple: true }, jobs: { type: 'string' }, 'one-call': { type: 'boolean' } },
    USAGE,
  );
  const sizes = (values.histories ?? ['1000']).map(Number);
  const jobs = Number(values.jobs ?? os.availableParallelism());
  if (!sizes.every((n) => Number.isInteger(n) && n >= 1) || !(Number.isInteger(jobs) && jobs >= 1))
    throw new UserError('--histories and --jobs take whole numbers of at least 1.', 2);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => [killAll(), process.exit(130)]);
  }
  const tool = (n: number): Way => ({
    name: `pnpm test:replay --jobs ${n}`,
    argv: (folder, out) => [PNPM, 'test:replay', folder, '--jobs', `${n}`, '--output', 'json', '--out', out],
  });
  const ways: Way[] = [
    peer('SDK loop (Worker.runReplayHistories)', 'sdk-loop.ts'),
    peer('one call per history (runReplayHistory)', 'one-call-each.ts', true),
    tool(1),
    ...(jobs > 1 ? [tool(jobs)] : []),
  ];
  let ok = true;
  for (const count of sizes) ok = (await benchOne(count, ways, values['one-call'] ?? false)) && ok;
  return ok ? 0 : 1;
}, USAGE);
