// Shared by this package's tests: the committed corpus and its branches.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { repoRoot } from '@background-check/common';
import { STACK_FRAME, spawnTs, waitForExit } from '@background-check/test-support';
import { prebuiltBundle } from '@background-check/worker';
import { listHistoryFiles, loadHistoryFile } from '../src/load';
import { RECORDER, type HistoryInput } from '../src/replay';
import { bundleVariant } from './variants';

export const FIXTURES = path.join(__dirname, 'fixtures');

export const inputsOf = (files: string[]): HistoryInput[] =>
  files.map((f) => ({ source: path.basename(f), loaded: loadHistoryFile(f) }));

/** True when the execution took the timer branch (its draw was below 50): its history has a TimerStarted. */
export function tookTimerBranch(file: string): boolean {
  const loaded = loadHistoryFile(file);
  return 'history' in loaded && !!loaded.history.events?.some((e) => e.timerStartedEventAttributes);
}

/** The corpus (histories/) split by the random gate; fails loudly when a branch is missing, so no test passes by luck. */
export function corpusByBranch(): { timer: string[]; noTimer: string[] } {
  const files = listHistoryFiles(path.join(repoRoot(), 'histories'));
  const timer = files.filter(tookTimerBranch);
  const noTimer = files.filter((f) => !tookTimerBranch(f));
  if (timer.length === 0 || noTimer.length === 0) {
    throw new Error(
      `histories/ must hold both sides of the random gate; it has ${timer.length} with the timer and ${noTimer.length} without.`,
    );
  }
  return { timer, noTimer };
}

/** Every file of the committed corpus (histories/). */
export const corpusFiles = () => listHistoryFiles(path.join(repoRoot(), 'histories'));

/** The fixture histories under test/fixtures/<dir>/. */
export const fixtureFiles = (dir: string) => listHistoryFiles(path.join(FIXTURES, dir));

/** A history's proto JSON, loosely typed, for tests to edit as a tool might have saved it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HistoryJson = { events: Record<string, any>[] };

export const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as HistoryJson;

/** The bundle `pnpm test:replay` replays with: the current workflow code and the recorder. */
export const replayBundle = () => prebuiltBundle('replay-bundle', { interceptorModules: [RECORDER] });

/**
 * The number the current code's gate draws for each history (`Math.floor(Math.random() * 100) + 1`),
 * found by replaying it against the draw-probe variant: the draw is seeded from the run, so it is the
 * number the execution drew. Below 50 the current code sleeps.
 */
export async function probeDraws(files: string[]): Promise<Map<string, number>> {
  const draws = new Map<string, number>();
  const histories = files.map((file) => {
    const loaded = loadHistoryFile(file);
    if (!('history' in loaded)) throw new Error(`${file}: ${loaded.problem}`);
    return { workflowId: file, history: loaded.history };
  });
  const fn = (info: { workflowId: string }, n: number) =>
    void (draws.has(info.workflowId) || draws.set(info.workflowId, n));
  // The variant's bundle has the replay recorder too: its steps are not needed here.
  const sinks = { probe: { draw: { fn, callDuringReplay: true } }, replayRecorder: { step: { fn: () => undefined } } };
  // The probe's own pass or fail does not matter (it has no timer); its draw does.
  for await (const _ of Worker.runReplayHistories(
    { workflowBundle: await bundleVariant('draw-probe'), replayName: 'draw-probe', sinks },
    histories,
  ))
    void _;
  if (draws.size !== files.length)
    throw new Error(`the draw probe reported ${draws.size} draws for ${files.length} histories`);
  return draws;
}

/** The history as a Worker Deployment version records it: every completed workflow task with this behavior and version. */
export function withVersioning(
  json: HistoryJson,
  behavior: 'PINNED' | 'AUTO_UPGRADE',
  buildId: string,
  deploymentName = 'backgroundcheck',
): HistoryJson {
  const copy = structuredClone(json);
  for (const e of copy.events) {
    const task = e.workflowTaskCompletedEventAttributes;
    if (task)
      Object.assign(task, {
        versioningBehavior: `VERSIONING_BEHAVIOR_${behavior}`,
        deploymentVersion: { deploymentName, buildId },
      });
  }
  return copy;
}

/** The history without its first WorkflowTaskCompleted, ids renumbered: it passes the file checks, but Core's replay of it never ends. */
export function withoutFirstTaskCompleted(json: HistoryJson): HistoryJson {
  const events = json.events.filter((e) => e.eventId !== '4');
  if (events.length === json.events.length || !json.events[3]!.workflowTaskCompletedEventAttributes)
    throw new Error('event 4 is not a WorkflowTaskCompleted');
  return { events: events.map((e, i) => ({ ...e, eventId: String(i + 1) })) };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/**
 * `pnpm test:replay ARGS` as a child process, run as the package script runs it (ts-node), bounded, and
 * never with a stack trace. `cwd` is where the user ran pnpm (INIT_CWD): paths are relative to it.
 */
export async function testReplay(
  args: string[],
  { cwd = repoRoot(), env = {} }: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  const started = Date.now();
  // No codec key, and no Rust backtraces: Core panics on a runaway history, and its backtrace would look like ours.
  const child = spawnTs('test:replay', 'packages/replay/src/cli.ts', args, {
    env: { INIT_CWD: cwd, BACKGROUNDCHECK_CODEC_KEY: '', RUST_BACKTRACE: '0', ...env },
  });
  const exit = await waitForExit(child, 60_000);
  if (exit.timedOut)
    throw new Error(`pnpm test:replay ${args.join(' ')} did not exit within 60 s. Its output:\n${child.output()}`);
  const run = {
    code: exit.code,
    stdout: child.stdout(),
    stderr: child.stderr(),
    seconds: (Date.now() - started) / 1000,
  };
  expect(run.stdout + run.stderr).not.toMatch(STACK_FRAME);
  return run;
}

/** The report's first line for each history: "PASS  file", "FAIL  file", ... */
export const verdictLines = (stdout: string) =>
  stdout.split('\n').filter((l) => /^(PASS|FAIL|EXEMPT|INCONCLUSIVE) {2}/.test(l));
