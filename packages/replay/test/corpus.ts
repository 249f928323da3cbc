// This package's test helpers: the committed corpus, the workflow variants, and `pnpm test:replay` as a child process.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { repoRoot } from '@background-check/common';
import { STACK_FRAME, spawnTs, waitForExit } from '@background-check/test-support';
import { RECORDER, prebuiltBundle, replayBundle as replayBundleOf } from '../src/bundle';
import { listHistoryFiles, loadHistoryFile } from '../src/load';
import type { HistoryInput, ReplayResult } from '../src/replay';

export const FIXTURES = path.join(__dirname, 'fixtures');

/** The sample's workflows: the replay check's default code under test. */
export const WORKFLOWS_PATH = require.resolve('@background-check/workflows');

export const inputsOf = (files: string[]): HistoryInput[] =>
  files.map((f) => ({ source: path.basename(f), loaded: loadHistoryFile(f) }));

/** A history's proto JSON, loosely typed, for tests to edit as a tool might have saved it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HistoryJson = { events: Record<string, any>[] };

export const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as HistoryJson;

/** True when the execution took the timer branch (its draw was below 50): its history has a TimerStarted. */
export const tookTimerBranch = (file: string) => readJson(file).events.some((e) => e.timerStartedEventAttributes);

/** Every file of the committed corpus (histories/). */
export const corpusFiles = () => listHistoryFiles(path.join(repoRoot(), 'histories'));

/** The corpus split by the random gate; fails loudly when a branch is missing, so no test passes by luck. */
export function corpusByBranch(): { timer: string[]; noTimer: string[] } {
  const files = corpusFiles();
  const timer = files.filter(tookTimerBranch);
  const noTimer = files.filter((f) => !timer.includes(f));
  if (timer.length === 0 || noTimer.length === 0)
    throw new Error(
      `histories/ must hold both sides of the random gate; it has ${timer.length} with the timer and ${noTimer.length} without.`,
    );
  return { timer, noTimer };
}

/** A workflow variant: fixtures/variants/NAME.workflow.ts exports `BackgroundCheck`, a changed copy of the real one. */
export const variantPath = (name: string) => path.join(__dirname, 'fixtures', 'variants', `${name}.workflow.ts`);

/** The variant's bundle, with the recorder, built once and kept on disk like the worker's (see prebuiltBundle). */
export async function bundleVariant(name: string): Promise<{ code: string; codePath: string }> {
  const { codePath } = await prebuiltBundle({ workflowsPath: variantPath(name), interceptorModules: [RECORDER] });
  return { code: fs.readFileSync(codePath, 'utf8'), codePath };
}

/** The bundle `pnpm test:replay` replays with: the current workflow code and the recorder. */
export const replayBundle = () => replayBundleOf(WORKFLOWS_PATH);

/**
 * The number the current code's gate draws for each history (`Math.floor(Math.random() * 100) + 1`),
 * found by replaying it against the draw-probe variant: the draw is seeded from the run, so it is the
 * number the execution drew. Below 50 the current code sleeps.
 */
export async function probeDraws(files: string[]): Promise<Map<string, number>> {
  const draws = new Map<string, number>();
  const fn = ({ workflowId: id }: { workflowId: string }, n: number) => void draws.set(id, draws.get(id) ?? n);
  // The variant's bundle has the replay recorder too: its steps are not needed here.
  const sinks = { probe: { draw: { fn, callDuringReplay: true } }, replayRecorder: { step: { fn: () => undefined } } };
  const histories = files.map((file) => ({ workflowId: file, history: historyFromJSON(readJson(file)) }));
  const workflowBundle = await bundleVariant('draw-probe');
  // The probe's own pass or fail does not matter (it has no timer); its draw does.
  for await (const _ of Worker.runReplayHistories({ workflowBundle, replayName: 'draw-probe', sinks }, histories))
    void _;
  if (draws.size !== files.length)
    throw new Error(`the draw probe reported ${draws.size} draws for ${files.length} histories`);
  return draws;
}

/** The history as a Worker Deployment version records it: every completed workflow task with this behavior and version. */
export function withVersioning(json: HistoryJson, behavior: 'PINNED' | 'AUTO_UPGRADE', buildId: string): HistoryJson {
  const copy = structuredClone(json);
  for (const task of copy.events.map((e) => e.workflowTaskCompletedEventAttributes).filter(Boolean)) {
    task.versioningBehavior = `VERSIONING_BEHAVIOR_${behavior}`;
    task.deploymentVersion = { deploymentName: 'backgroundcheck', buildId };
  }
  return copy;
}

/**
 * `pnpm test:replay ARGS` as a child process, run as the package script runs it (ts-node), bounded, and
 * never with a stack trace. `cwd` is where the user ran pnpm (INIT_CWD): paths are relative to it.
 */
export async function testReplay(args: string[], { cwd = repoRoot() } = {}) {
  const started = Date.now();
  // No codec key, and no Rust backtraces: Core panics on a runaway history, and its backtrace would look like ours.
  const env = { INIT_CWD: cwd, BACKGROUNDCHECK_CODEC_KEY: '', RUST_BACKTRACE: '0' };
  const child = spawnTs('test:replay', 'packages/replay/src/cli.ts', args, { env });
  const exit = await waitForExit(child, 60_000);
  if (exit.timedOut)
    throw new Error(`pnpm test:replay ${args.join(' ')} did not exit within 60 s. Its output:\n${child.output()}`);
  const seconds = (Date.now() - started) / 1000;
  const run = { code: exit.code, stdout: child.stdout(), stderr: child.stderr(), seconds };
  expect(run.stdout + run.stderr).not.toMatch(STACK_FRAME);
  return run;
}

/** testReplay for each list of arguments, a few at a time (each is a Node process: the machine has two cores). */
export async function testReplays(argsLists: string[][], { cwd = repoRoot(), at = 3 } = {}) {
  const runs: Awaited<ReturnType<typeof testReplay>>[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < argsLists.length; i = next++) runs[i] = await testReplay(argsLists[i]!, { cwd });
  };
  await Promise.all(Array.from({ length: Math.min(at, argsLists.length) }, worker));
  return runs;
}

/** The report's first line for each history: "PASS  file", "FAIL  file", "FIXED  file", ... */
export const verdictLines = (stdout: string) =>
  stdout.split('\n').filter((l) => /^(PASS|FAIL|EXEMPT|FIXED|STILL-FAILING) {2}/.test(l));

/** The JSON report (`--output json`), as CI steps read it. */
export interface JsonReport {
  histories: (Omit<ReplayResult, 'history'> & { workflowId: string })[];
  verdicts: Record<string, string>;
  stuck: Record<string, { fixed: number; stillFailing: number }>;
  summary: { passed: number; failed: number; exempt: number; fixed: number; stillFailing: number };
}
export const jsonReport = (stdout: string) => JSON.parse(stdout) as JsonReport;

/**
 * A stuck execution, committed: its last workflow task failed (the task-failure variant's bug: it parses the
 * activity's plain-text result as JSON). The current code gets past that task; the variant still fails it.
 */
export const STUCK_FIXTURE = path.join(FIXTURES, 'stuck', 'last-task-failed.json');

/** The history with these fields set on every WorkflowTaskCompleted from the `from`-th one (0: the first) on. */
export function withTaskFields(json: HistoryJson, fields: object, from = 0): HistoryJson {
  const copy = structuredClone(json);
  const tasks = copy.events.map((e) => e.workflowTaskCompletedEventAttributes).filter(Boolean);
  for (const task of tasks.slice(from)) Object.assign(task, structuredClone(fields));
  return copy;
}

/** The history with these fields set on its WorkflowExecutionStarted, as the server writes them at start. */
export function withStartFields(json: HistoryJson, fields: object): HistoryJson {
  const copy = structuredClone(json);
  Object.assign(copy.events[0]!.workflowExecutionStartedEventAttributes, structuredClone(fields));
  return copy;
}

/**
 * The history with a WorkflowExecutionOptionsUpdated event (these attributes) before its WorkflowTaskCompleted
 * number `beforeTask` (0-based; -1: the last), or at its end without `beforeTask`; event ids renumbered. For reading
 * versioning, not for replay: ids that refer to other events are left as they were.
 */
export function withOptionsUpdated(json: HistoryJson, attributes: object, beforeTask?: number): HistoryJson {
  const events = structuredClone(json.events);
  const tasks = events.flatMap((e, i) => (e.workflowTaskCompletedEventAttributes ? [i] : []));
  const at = beforeTask === undefined ? events.length : tasks.at(beforeTask)!;
  const updated = {
    eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED',
    workflowExecutionOptionsUpdatedEventAttributes: structuredClone(attributes),
  };
  events.splice(at, 0, updated);
  return { events: events.map((e, i) => ({ ...e, eventId: String(i + 1) })) };
}
