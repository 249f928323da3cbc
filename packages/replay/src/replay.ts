import type { DataConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker, type InjectedSinks } from '@temporalio/worker';
import { withActivityType, withoutTimer } from './counterfactual';
import { coreMessage, explain, type Divergence } from './explain';
import type { Loaded } from './load';
import type { CodeStep, RecorderSinks } from './recorder';
import type { Versioning } from './versioning';

/** The recorder's module path, for `prebuiltBundle(name, { interceptorModules: [RECORDER] })`. */
export const RECORDER = require.resolve('./recorder');

export type Status = 'pass' | 'fail' | 'exempt' | 'inconclusive' | 'invalid';

export interface HistoryInput {
  /** A file path, or `workflowId/runId` for a history from the server. */
  source: string;
  workflowId?: string;
  runId?: string;
  loaded: Loaded;
}

export interface ReplayResult {
  source: string;
  workflowId?: string;
  runId?: string;
  workflowType?: string;
  status: Status;
  /** Why it failed, was not judged, or is exempt, in a sentence (for non-determinism: see divergence). */
  message?: string;
  divergence?: Divergence;
  /** Core's message, for non-determinism and replay errors. */
  sdkMessage?: string;
  history?: History;
  /** How the execution is versioned, from its history. */
  versioning?: Versioning;
  /** For an exempt (pinned) execution: whether it would fail if moved to the new build. */
  wouldFailIfMoved?: boolean;
}

export interface ReplayOptions {
  /** One bundle of the code under test, with the recorder: bundled once, reused for every history. */
  workflowBundle: { codePath: string } | { code: string };
  /** Workflow types the code defines; a history of another type fails without a replay. */
  workflowTypes: string[];
  /** Bound on each history's replay; default 10 s. */
  timeoutMs?: number;
  /** For histories with encrypted payloads. */
  dataConverter?: DataConverter;
}

interface Outcome {
  error?: Error;
  timedOut?: boolean;
  steps: CodeStep[];
}

/**
 * Replays histories with one replay worker (`Worker.runReplayHistories`), recording what the code
 * commanded in each. A replay that overruns its bound is reported and left behind (it cannot be stopped
 * from here); the rest go on with a fresh worker.
 */
async function replayAll(items: History[], options: ReplayOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = items.map(() => ({ steps: [] }));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sinks: InjectedSinks<RecorderSinks> = {
    replayRecorder: {
      step: { fn: (info, step) => void outcomes[Number(info.workflowId)]?.steps.push(step), callDuringReplay: true },
    },
  };
  let current = 0;
  while (current < items.length) {
    const first = current;
    async function* feed() {
      for (current = first; current < items.length; current++)
        yield { workflowId: String(current), history: items[current]! };
    }
    const replays = Worker.runReplayHistories(
      {
        workflowBundle: options.workflowBundle,
        dataConverter: options.dataConverter,
        replayName: 'replay-test',
        sinks,
      },
      feed(),
    );
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
      const next = await Promise.race([replays.next(), late]).finally(() => clearTimeout(timer));
      if (next === 'late') {
        outcomes[current]!.timedOut = true;
        current++;
        break;
      }
      if (next.done) return outcomes;
      outcomes[Number(next.value.workflowId)]!.error = next.value.error;
    }
  }
  return outcomes;
}

const isNondeterminism = (e: Error) => e.name === 'DeterminismViolationError' || /\[TMPRL1100\]/.test(e.message);

/** A replay error other than non-determinism, in a sentence, with what to do for encrypted payloads. */
function describeError(error: Error): string {
  const inner =
    /Failure \{ message: "((?:[^"\\]|\\.)*)"/.exec(error.message)?.[1]?.replace(/\\"/g, '"') ??
    coreMessage(error.message);
  const encrypted = /binary\/encrypted/.test(inner)
    ? " The history's payloads are encrypted: set BACKGROUNDCHECK_CODEC_KEY to the key they were written with (see packages/codec)."
    : '';
  return `the workflow code failed while replaying: ${inner}.${encrypted}`;
}

/** The recorded failure when the history's last workflow task failed: replay cannot judge such a history. */
function lastTaskFailure(history: History): string | undefined {
  const events = history.events ?? [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.workflowTaskCompletedEventAttributes) return undefined;
    const failure = e.workflowTaskFailedEventAttributes?.failure;
    if (e.workflowTaskFailedEventAttributes) return coreMessage(failure?.message ?? 'no message');
  }
  return undefined;
}

/**
 * Settles a guess that the code alone cannot: code that goes straight to activity X where the history
 * started a timer has removed the timer, or moved it after X; code that schedules X where the history
 * scheduled Y has switched the type, or added X before Y. Replaying an edited copy of the history tells.
 */
async function confirm(failed: { history: History; d: Divergence; code: CodeStep[] }[], options: ReplayOptions) {
  const guesses = failed.flatMap((f) => {
    if (f.d.change === 'timer-removed' && f.d.eventId) return [{ f, edited: withoutTimer(f.history, f.d.eventId) }];
    const typed = /scheduled activity (\S+)$/.exec(f.d.code)?.[1];
    if (f.d.change === 'activity-type-switched' && f.d.eventId && typed)
      return [{ f, edited: withActivityType(f.history, f.d.eventId, typed) }];
    return [];
  });
  const usable = guesses.filter((g): g is typeof g & { edited: History } => g.edited !== undefined);
  const outcomes = await replayAll(
    usable.map((g) => g.edited),
    options,
  );
  usable.forEach(({ f, edited }, i) => {
    const { error, steps } = outcomes[i]!;
    const next = error && isNondeterminism(error) ? explain(edited, steps, error.message) : undefined;
    if (f.d.change === 'timer-removed' && next?.change === 'timer-added') {
      Object.assign(f.d, {
        change: 'reordered',
        summary: `steps were reordered: the code ${next.code} later, after ${f.d.code.replace(/^scheduled /, '')}`,
      });
    } else if (f.d.change === 'activity-type-switched' && next?.change && /^activity-/.test(next.change)) {
      Object.assign(f.d, {
        change: 'activity-added',
        summary: `an activity call was added (${f.d.code.replace(/^scheduled /, '')}, before the history's)`,
      });
    }
  });
}

/**
 * The replay test for any number of histories: invalid ones are reported with their problem and the
 * others still run; each replay is bounded in time; non-determinism is explained in plain words.
 * Results come back in input order.
 */
export async function replayHistories(inputs: HistoryInput[], options: ReplayOptions): Promise<ReplayResult[]> {
  const results: ReplayResult[] = inputs.map(({ source, workflowId, runId, loaded }) => {
    if ('problem' in loaded) return { source, workflowId, runId, status: 'invalid', message: loaded.problem };
    const { history, workflowType } = loaded;
    const base = { source, workflowId, runId, workflowType, history };
    if (options.workflowTypes.includes(workflowType)) return { ...base, status: 'pass' };
    const defined = options.workflowTypes.join(', ') || 'nothing';
    const message = `the history is of workflow type "${workflowType}", which the code does not define (it defines: ${defined}). Removing or renaming a workflow type breaks its open executions: keep the old export.`;
    return { ...base, status: 'fail', message };
  });
  const toReplay = results.filter((r) => r.status === 'pass');
  const outcomes = await replayAll(
    toReplay.map((r) => r.history!),
    options,
  );
  const failed: { history: History; d: Divergence; code: CodeStep[] }[] = [];
  toReplay.forEach((r, i) => {
    const { error, timedOut, steps } = outcomes[i]!;
    if (timedOut)
      Object.assign(r, {
        status: 'fail',
        message: `the replay did not finish within ${(options.timeoutMs ?? 10_000) / 1000} s.`,
      });
    else if (error && isNondeterminism(error)) {
      r.divergence = explain(r.history!, steps, error.message);
      Object.assign(r, { status: 'fail', sdkMessage: coreMessage(error.message) });
      failed.push({ history: r.history!, d: r.divergence, code: steps });
    } else if (error)
      Object.assign(r, { status: 'fail', message: describeError(error), sdkMessage: coreMessage(error.message) });
    else {
      const failure = lastTaskFailure(r.history!);
      // The SDK replays such a history as a success: its last task's failure is not re-checked.
      if (failure)
        Object.assign(r, {
          status: 'inconclusive',
          message: `the last workflow task failed (${failure}); replay cannot judge it.`,
        });
    }
  });
  await confirm(failed, options);
  return results;
}
