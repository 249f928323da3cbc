import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import {
  DefaultLogger,
  Runtime,
  Worker,
  type InjectedSinks,
  type LogEntry,
  type ReplayResult as SdkReplayResult,
} from '@temporalio/worker';
import { withActivityType, withoutTimer } from './counterfactual';
import { coreMessage, explain, type Divergence } from './explain';
import { loadHistoryFile, type Loaded } from './load';
import type { CodeStep, RecorderSinks } from './recorder';
import { applyVersioning, type Versioning, type WorkerDeploymentVersion } from './versioning';

export interface HistoryInput {
  source: string; // a file path, or `workflowId/runId` for a history from the server
  workflowId?: string; // the id the code sees in workflowInfo() during the replay; default: the file's name
  runId?: string; // the run that was replayed (the history's own run id for a file)
  loaded: Loaded | { file: string }; // a history, why it is none, or a file to read where it is replayed
}

export interface ReplayResult extends Omit<HistoryInput, 'loaded' | 'workflowId'> {
  workflowId: string; // the id the replay ran with
  workflowType?: string;
  /**
   * pass/fail: the code replays the history or not; invalid: not a replayable history; exempt: pinned to another
   * Worker Deployment Version, never runs this code; fixed/still-failing: a stuck execution (its last workflow task
   * failed) that the code gets past, or still fails.
   */
  status: 'pass' | 'fail' | 'invalid' | 'exempt' | 'fixed' | 'still-failing';
  /** For an exempt execution: what its replay said (it would fail, or still fail, if moved to the new version). */
  replayStatus?: 'pass' | 'fail' | 'fixed' | 'still-failing';
  message?: string; // why it failed, is stuck, or is exempt, in a sentence (non-determinism: see divergence)
  divergence?: Divergence;
  sdkMessage?: string; // Core's message, for non-determinism and replay errors
  history?: History;
  versioning?: Versioning; // how the execution is versioned, from its history
}

export interface ReplayOptions {
  workflowBundle: { codePath: string } | { code: string }; // the code under test and the recorder, bundled once
  workflowTypes: string[]; // the types the code defines; a history of another type fails without a replay
  timeoutMs?: number; // bound on each history's replay; default 10 s
  dataConverter?: DataConverter; // for histories with encrypted payloads
  codecHint?: string; // what to do about encrypted payloads, in words: how this project's codec is turned on
  target?: WorkerDeploymentVersion; // the version the change ships as: executions pinned to others are exempt
}

/** The promise's value, or 'late' once `ms` pass: every wait of the check has a bound. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, ms, 'late')));
  return await Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The runtime of a process that replays: logs on stderr (stdout may be the report), Core's only at ERROR (its warning
 * for each failed replay repeats what the report says better), and none of the SDK's signal handlers.
 */
export function installReplayRuntime(level: 'WARN' | 'ERROR', format: (entry: LogEntry) => string): void {
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => process.stderr.write(`${format(entry)}\n`)),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, console: {} } },
    shutdownSignals: [],
  });
}

interface Outcome {
  steps: CodeStep[];
  error?: Error;
  timedOut?: boolean;
}

/** One `Worker.runReplayHistories` stream, fed one history at a time. */
function replayStream(options: ReplayOptions) {
  const queue: { workflowId: string; history: History }[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const stream = {
    current: undefined as Outcome | undefined, // the outcome the recorder's steps go to
    push(item: { workflowId: string; history: History }) {
      queue.push(item);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    results: undefined as unknown as AsyncIterator<SdkReplayResult>,
  };
  async function* feed() {
    for (;;) {
      while (queue.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
      const next = queue.shift();
      if (!next) return;
      yield next;
    }
  }
  const step = (_info: unknown, s: CodeStep) => void stream.current?.steps.push(s);
  const sinks: InjectedSinks<RecorderSinks> = { replayRecorder: { step: { fn: step, callDuringReplay: true } } };
  const { workflowBundle, dataConverter } = options;
  stream.results = Worker.runReplayHistories(
    { workflowBundle, dataConverter, replayName: 'replay-check', sinks },
    feed(),
  );
  return stream;
}

/**
 * One replay worker, fed one history at a time, recording what the code commanded in each. A replay that overruns
 * its bound cannot be stopped: its worker is left behind, and the next replay gets a fresh one.
 */
export class Replayer {
  private stream?: ReturnType<typeof replayStream>;
  private replays = 0;

  constructor(private readonly options: ReplayOptions) {}

  async replay(history: History, workflowId: string): Promise<Outcome> {
    // A replay worker keeps a little of each history it replayed (measured: about 10 KB): a fresh one every 1,000
    // histories, and a collection then (when the process allows it: `node --expose-gc`), keep memory flat.
    if (++this.replays % 1000 === 0) {
      await this.close();
      (globalThis as { gc?: () => void }).gc?.();
    }
    const stream = (this.stream ??= replayStream(this.options));
    const outcome: Outcome = (stream.current = { steps: [] });
    stream.push({ workflowId, history });
    const next = await within(stream.results.next(), this.options.timeoutMs ?? 10_000);
    stream.current = undefined;
    if (next === 'late' || next.done) {
      this.stream = undefined;
      return Object.assign(outcome, { timedOut: true });
    }
    return Object.assign(outcome, { error: next.value.error });
  }

  /** Ends the worker (bounded: an abandoned replay may never end). */
  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    stream.end();
    await within(Promise.resolve(stream.results.return?.()), 5000);
  }
}

/** A saved history holds no workflow id: its file's name stands in, unless one is given. */
export const defaultWorkflowId = (source: string) => path.basename(source).replace(/\.json$/i, '');

const isNondeterminism = (e: Error) => e.name === 'DeterminismViolationError' || /\[TMPRL1100\]/.test(e.message);

/** Causes of a failed workflow task that the server or an operator set, not the code: the task is retried. */
const { WorkflowTaskFailedCause } = temporal.api.enums.v1;
const NOT_THE_CODE = [
  'UNHANDLED_COMMAND',
  'UNHANDLED_UPDATE',
  'RESET_STICKY_TASK_QUEUE',
  'RESET_WORKFLOW',
  'FORCE_CLOSE_COMMAND',
]
  .concat(['FAILOVER_CLOSE_COMMAND', 'WORKFLOW_PAUSE_REQUESTED_BEFORE_TASK_STARTED'])
  .map((cause) => `WORKFLOW_TASK_FAILED_CAUSE_${cause}`);

/** The recorded failure when the history's last workflow task failed in the code: the execution is stuck there. */
export function lastTaskFailure({ events }: History): string | undefined {
  const tasks = events?.filter((e) => e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes);
  const failed = tasks?.at(-1)?.workflowTaskFailedEventAttributes;
  const cause = failed?.cause;
  if (!failed || NOT_THE_CODE.includes(typeof cause === 'string' ? cause : WorkflowTaskFailedCause[cause ?? 0]!))
    return undefined;
  return coreMessage(failed.failure?.message ?? 'no message');
}

/**
 * Settles a guess that the code alone cannot: code that goes straight to activity X where the history
 * started a timer has removed the timer, or moved it after X; code that schedules X where the history
 * scheduled Y has switched the type, or added X before Y. Replaying an edited copy of the history tells.
 */
async function confirm(d: Divergence, history: History, workflowId: string, replayer: Replayer): Promise<void> {
  const typed = /scheduled activity (\S+)$/.exec(d.code)?.[1];
  const edited =
    (d.change === 'timer-removed' && withoutTimer(history, d.eventId)) ||
    (d.change === 'activity-type-switched' && typed && withActivityType(history, d.eventId, typed));
  if (!edited) return;
  const { error, steps } = await replayer.replay(edited, workflowId);
  const next = error && isNondeterminism(error) ? explain(edited, steps, error.message) : undefined;
  const codeDid = d.code.replace(/^scheduled /, '');
  if (d.change === 'timer-removed' && next?.change === 'timer-added') {
    d.change = 'reordered';
    d.summary = `steps were reordered: the code ${next.code} later, after ${codeDid}`;
  } else if (d.change === 'activity-type-switched' && next?.change.startsWith('activity-')) {
    d.change = 'activity-added';
    d.summary = `an activity call was added (${codeDid}, before the history's)`;
  }
}

/**
 * The replay check of one history: not a history, a type the code does not define, non-determinism (explained in
 * plain words), a replay error or overrun, and for a stuck execution whether the code gets past the failed task.
 */
export async function judge(input: HistoryInput, replayer: Replayer, options: ReplayOptions): Promise<ReplayResult> {
  const result = await replayed(input, replayer, options);
  applyVersioning([result], options.target);
  return result;
}

async function replayed(input: HistoryInput, replayer: Replayer, options: ReplayOptions): Promise<ReplayResult> {
  const loaded = 'file' in input.loaded ? loadHistoryFile(input.loaded.file) : input.loaded;
  const { loaded: _loaded, ...given } = input;
  const named = { ...given, workflowId: input.workflowId ?? defaultWorkflowId(input.source) };
  if ('problem' in loaded) return { ...named, status: 'invalid', message: loaded.problem };
  const { history, workflowType } = loaded;
  const result: ReplayResult = { ...named, workflowType, history, status: 'pass' };
  if (!options.workflowTypes.includes(workflowType)) {
    const defined = options.workflowTypes.join(', ') || 'nothing';
    const message = `the history is of workflow type "${workflowType}", which the code does not define (it defines: ${defined}). Removing or renaming a workflow type breaks its open executions: keep the old export.`;
    return Object.assign(result, { status: 'fail', message });
  }
  const { error, timedOut, steps } = await replayer.replay(history, named.workflowId);
  // The SDK replays a history whose last task failed as a success: what the code does in that task, the recorder says.
  const taskFailure = steps.find((s) => s.kind === 'task-failure')?.message;
  const stuck = lastTaskFailure(history);
  if (timedOut) {
    const bound = (options.timeoutMs ?? 10_000) / 1000;
    return Object.assign(result, { status: 'fail', message: `the replay did not finish within ${bound} s.` });
  }
  if (error) {
    result.sdkMessage = coreMessage(error.message);
    if (isNondeterminism(error)) {
      result.divergence = explain(history, steps, error.message);
      await confirm(result.divergence, history, named.workflowId, replayer);
    } else {
      const codec = options.codecHint ?? 'replay it with the codec they were written with';
      const encrypted = /binary\/encrypted/.test(error.message)
        ? ` The history's payloads are encrypted: ${codec}.`
        : '';
      result.message = `the workflow code failed while replaying: ${result.sdkMessage}.${encrypted}`;
    }
  } else if (taskFailure)
    result.message = `the code fails the workflow task at the end of the history: ${taskFailure}. The execution would be stuck there.`;
  const failed = Boolean(error || taskFailure);
  if (!stuck) return Object.assign(result, { status: failed ? 'fail' : 'pass' });
  const now = failed
    ? `this code still fails it: ${result.message ?? 'non-determinism (below)'}`
    : 'this code gets past it.';
  result.message = `stuck: its last workflow task failed (${stuck}); ${now}`;
  return Object.assign(result, { status: failed ? 'still-failing' : 'fixed' });
}

/** The replay check of a list of histories, with one replay worker; results keep the input order. */
export async function replayHistories(inputs: HistoryInput[], options: ReplayOptions): Promise<ReplayResult[]> {
  const replayer = new Replayer(options);
  const results: ReplayResult[] = [];
  try {
    for (const input of inputs) results.push(await judge(input, replayer, options));
  } finally {
    await replayer.close();
  }
  return results;
}
