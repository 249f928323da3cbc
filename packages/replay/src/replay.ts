import type { DataConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker, type InjectedSinks } from '@temporalio/worker';
import { prebuiltBundle } from '@background-check/worker';
import { withActivityType, withoutTimer } from './counterfactual';
import { coreMessage, explain, type Divergence } from './explain';
import type { Loaded } from './load';
import type { CodeStep, RecorderSinks } from './recorder';
import type { Versioning } from './versioning';

/** The recorder's module path: bundled with workflow code whose replays must be explained. */
export const RECORDER = require.resolve('./recorder');

/** The workflows with the recorder, bundled on disk once (see prebuiltBundle); `log` is told when it is rebuilt. */
export const replayBundle = (log?: (line: string) => void) =>
  prebuiltBundle('replay-bundle', { interceptorModules: [RECORDER] }, log);

export interface HistoryInput {
  source: string; // a file path, or `workflowId/runId` for a history from the server
  workflowId?: string;
  runId?: string;
  loaded: Loaded;
}

export interface ReplayResult extends Omit<HistoryInput, 'loaded'> {
  workflowType?: string;
  status: 'pass' | 'fail' | 'exempt' | 'inconclusive' | 'invalid';
  message?: string; // why it failed, was not judged, or is exempt, in a sentence (non-determinism: see divergence)
  divergence?: Divergence;
  sdkMessage?: string; // Core's message, for non-determinism and replay errors
  history?: History;
  versioning?: Versioning; // how the execution is versioned, from its history
  wouldFailIfMoved?: boolean; // for an exempt (pinned) execution: whether it would fail if moved to the new build
}

export interface ReplayOptions {
  workflowBundle: { codePath: string } | { code: string }; // the code under test and the recorder, bundled once
  workflowTypes: string[]; // the types the code defines; a history of another type fails without a replay
  timeoutMs?: number; // bound on each history's replay; default 10 s
  dataConverter?: DataConverter; // for histories with encrypted payloads
}

/**
 * Replays histories with one replay worker (`Worker.runReplayHistories`), recording what the code commanded in
 * each. A replay that overruns its bound is left behind (it cannot be stopped); the rest go on with a fresh worker.
 */
async function replayAll(items: { history?: History }[], options: ReplayOptions) {
  const { workflowBundle, dataConverter, timeoutMs = 10_000 } = options;
  const outcomes: { steps: CodeStep[]; error?: Error; timedOut?: boolean }[] = items.map(() => ({ steps: [] }));
  const step = (info: { workflowId: string }, s: CodeStep) => void outcomes[Number(info.workflowId)]?.steps.push(s);
  const sinks: InjectedSinks<RecorderSinks> = { replayRecorder: { step: { fn: step, callDuringReplay: true } } };
  const replayOptions = { workflowBundle, dataConverter, replayName: 'replay-test', sinks };
  let current = 0;
  while (current < items.length) {
    const first = current;
    async function* feed() {
      for (current = first; current < items.length; current++)
        yield { workflowId: String(current), history: items[current]!.history! };
    }
    const replays = Worker.runReplayHistories(replayOptions, feed());
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
      const next = await Promise.race([replays.next(), late]).finally(() => clearTimeout(timer));
      if (next === 'late') break;
      if (next.done) return outcomes;
      outcomes[Number(next.value.workflowId)]!.error = next.value.error;
    }
    outcomes[current++]!.timedOut = true;
  }
  return outcomes;
}

const isNondeterminism = (e: Error) => e.name === 'DeterminismViolationError' || /\[TMPRL1100\]/.test(e.message);

/** The recorded failure when the history's last workflow task failed: replay cannot judge such a history. */
function lastTaskFailure({ events }: History): string | undefined {
  const tasks = events?.filter((e) => e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes);
  const failed = tasks?.at(-1)?.workflowTaskFailedEventAttributes;
  return failed ? coreMessage(failed.failure?.message ?? 'no message') : undefined;
}

/**
 * Settles a guess that the code alone cannot: code that goes straight to activity X where the history
 * started a timer has removed the timer, or moved it after X; code that schedules X where the history
 * scheduled Y has switched the type, or added X before Y. Replaying an edited copy of the history tells.
 */
async function confirm(results: ReplayResult[], options: ReplayOptions) {
  const guesses = results.flatMap(({ history, divergence: d }) => {
    if (!history || !d) return [];
    const typed = /scheduled activity (\S+)$/.exec(d.code)?.[1];
    const edited =
      (d.change === 'timer-removed' && withoutTimer(history, d.eventId)) ||
      (d.change === 'activity-type-switched' && typed && withActivityType(history, d.eventId, typed));
    return edited ? [{ d, history: edited }] : [];
  });
  const outcomes = await replayAll(guesses, options);
  guesses.forEach(({ d, history }, i) => {
    const { error, steps } = outcomes[i]!;
    const next = error && isNondeterminism(error) ? explain(history, steps, error.message) : undefined;
    const codeDid = d.code.replace(/^scheduled /, '');
    if (d.change === 'timer-removed' && next?.change === 'timer-added') {
      d.change = 'reordered';
      d.summary = `steps were reordered: the code ${next.code} later, after ${codeDid}`;
    } else if (d.change === 'activity-type-switched' && next?.change.startsWith('activity-')) {
      d.change = 'activity-added';
      d.summary = `an activity call was added (${codeDid}, before the history's)`;
    }
  });
}

/**
 * The replay test for any number of histories: invalid ones are reported with their problem and the others still
 * run; each replay is bounded in time; non-determinism is explained in plain words. Results keep the input order.
 */
export async function replayHistories(inputs: HistoryInput[], options: ReplayOptions): Promise<ReplayResult[]> {
  const results: ReplayResult[] = inputs.map(({ loaded, ...input }) => {
    if ('problem' in loaded) return { ...input, status: 'invalid', message: loaded.problem };
    const { history, workflowType } = loaded;
    if (options.workflowTypes.includes(workflowType)) return { ...input, workflowType, history, status: 'pass' };
    const defined = options.workflowTypes.join(', ') || 'nothing';
    const message = `the history is of workflow type "${workflowType}", which the code does not define (it defines: ${defined}). Removing or renaming a workflow type breaks its open executions: keep the old export.`;
    return { ...input, workflowType, history, status: 'fail', message };
  });
  const toReplay = results.filter((r) => r.status === 'pass');
  const outcomes = await replayAll(toReplay, options);
  const bound = (options.timeoutMs ?? 10_000) / 1000;
  toReplay.forEach((r, i) => {
    const { error, timedOut, steps } = outcomes[i]!;
    const failure = lastTaskFailure(r.history!);
    if (timedOut) Object.assign(r, { status: 'fail', message: `the replay did not finish within ${bound} s.` });
    else if (error && isNondeterminism(error)) r.divergence = explain(r.history!, steps, error.message);
    else if (error) {
      const encrypted = /binary\/encrypted/.test(error.message)
        ? " The history's payloads are encrypted: set BACKGROUNDCHECK_CODEC_KEY to the key they were written with (see packages/codec)."
        : '';
      r.message = `the workflow code failed while replaying: ${coreMessage(error.message)}.${encrypted}`;
    }
    // The SDK replays such a history as a success: its last task's failure is not re-checked.
    else if (failure) {
      r.status = 'inconclusive';
      r.message = `the last workflow task failed (${failure}); replay cannot judge it.`;
    }
    if (error) Object.assign(r, { status: 'fail', sdkMessage: coreMessage(error.message) });
  });
  await confirm(toReplay, options);
  return results;
}
