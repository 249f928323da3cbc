// `pnpm bench:replay [N]`: the SDK's replay loop and the project's runner on the same N histories (see
// USAGE). A benchmark: the tests never run it (timings belong here, not in assertions).
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { UserError, WORKFLOW_TYPE, parseCommandArgs, runCommand } from '@background-check/common';
import { installRuntime } from '@background-check/connection';
import { replayBundle, replayHistories } from '@background-check/replay';
import { prebuiltBundle } from '@background-check/worker';
import { generateHistories } from './generate';

const USAGE = `Usage: pnpm bench:replay [N]
  Replays N histories (default 1000, cloned from histories/) with the SDK's Worker.runReplayHistories loop
  and with the project's runner, 3 rounds each after a warm-up; prints the median histories/s of each and
  their ratio. Exits 1 if the runner is more than 10% slower.`;
const ROUNDS = 3;
const BUDGET = 0.9;

/** One way to replay the histories, resolving with how many did not replay. */
type Way = [name: string, replay: (histories: History[]) => Promise<number>];

async function sdkLoop(workflowBundle: { codePath: string }, histories: History[]): Promise<number> {
  const items = histories.map((history, i) => ({ workflowId: String(i), history }));
  let failed = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle }, items)) failed += r.error ? 1 : 0;
  return failed;
}

async function runner(workflowBundle: { codePath: string }, histories: History[]): Promise<number> {
  const inputs = histories.map((history, i) => ({
    source: String(i),
    loaded: { history, workflowType: WORKFLOW_TYPE },
  }));
  const results = await replayHistories(inputs, { workflowBundle, workflowTypes: [WORKFLOW_TYPE] });
  return results.filter((r) => r.status !== 'pass').length;
}

/** Wall-clock and CPU seconds (this process, Core's threads too) of one round; a failed replay stops the run. */
async function timeRound([name, replay]: Way, histories: History[]): Promise<{ wall: number; cpu: number }> {
  const [start, cpu] = [process.hrtime.bigint(), process.cpuUsage()];
  const failed = await replay(histories);
  const used = process.cpuUsage(cpu);
  if (failed > 0) throw new UserError(`${name}: ${failed} of ${histories.length} histories did not replay.`);
  return { wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: (used.user + used.system) / 1e6 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

runCommand(async () => {
  const { positionals } = parseCommandArgs(process.argv.slice(2), {}, USAGE, true);
  const n = Number(positionals[0] ?? 1000);
  if (positionals.length > 1 || !Number.isInteger(n) || n < 1) {
    throw new UserError(`N is one whole number of at least 1, not "${positionals.join(' ')}".`, 2);
  }
  installRuntime('WARN', 'ERROR');
  const histories = generateHistories(n);
  const slept = histories.filter((h) => h.events?.some((e) => e.timerStartedEventAttributes)).length;
  // Each way's bundle, built now if stale: the rounds time replay only.
  const sdkBundle = await prebuiltBundle();
  const runnerBundle = await replayBundle();
  const ways: Way[] = [
    ['SDK loop: Worker.runReplayHistories, the worker bundle', (h) => sdkLoop(sdkBundle, h)],
    ["project's runner: replayHistories, recorder and checks", (h) => runner(runnerBundle, h)],
  ];
  // Warm-up: the JIT, and each bundle's first load into a replay worker.
  for (const way of ways) await timeRound(way, histories.slice(0, 100));
  const rounds = ways.map(() => [] as { wall: number; cpu: number }[]);
  // The rounds alternate, so a slow spell on a shared machine slows both ways alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, way] of ways.entries()) rounds[i]!.push(await timeRound(way, histories));
  }
  const rates = rounds.map((r) => n / median(r.map((x) => x.wall)));
  console.log(`${n} histories (${slept} with the 60 s timer), median of ${ROUNDS} rounds after a warm-up:`);
  ways.forEach(([name], i) => {
    const cpuMs = (median(rounds[i]!.map((x) => x.cpu)) * 1000) / n;
    console.log(
      `  ${name.padEnd(56)} ${rates[i]!.toFixed(0).padStart(6)} histories/s  (CPU ${cpuMs.toFixed(2)} ms each)`,
    );
  });
  const ratio = rates[1]! / rates[0]!;
  // On a busy machine wall time swings more than CPU time: compare the CPU figures there.
  console.log(
    `runner / SDK loop: ${ratio.toFixed(2)} (${ratio >= BUDGET ? 'within' : 'OVER'} the budget: at least ${BUDGET})`,
  );
  return ratio >= BUDGET ? 0 : 1;
}, USAGE);
