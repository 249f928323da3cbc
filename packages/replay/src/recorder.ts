// Workflow code: bundled with the workflows on the replay worker only. It tells the replay check what the code
// under test commanded, in order, and how a run ended, through a sink that is called during replay too.
import {
  ContinueAsNew,
  TemporalFailure,
  isCancellation,
  proxySinks,
  type Sinks,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';

export interface CodeStep {
  kind:
    | 'activity'
    | 'local-activity'
    | 'timer'
    | 'child-workflow'
    | 'complete'
    | 'fail'
    | 'cancel'
    | 'continue-as-new'
    | 'task-failure'; // the code threw an error that fails the workflow task, not the workflow
  name?: string; // activity or child workflow type
  seconds?: number; // timer duration
  message?: string; // a task failure's error
}

export type RecorderSinks = Sinks & { replayRecorder: { step(step: CodeStep): void } };

const { replayRecorder } = proxySinks<RecorderSinks>();

/** What an error thrown out of workflow code does, as the SDK decides it (see handleWorkflowFailure). */
function endedBy(err: unknown): CodeStep {
  if (err instanceof ContinueAsNew) return { kind: 'continue-as-new' };
  if (isCancellation(err)) return { kind: 'cancel' };
  if (err instanceof TemporalFailure) return { kind: 'fail' };
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { kind: 'task-failure', message };
}

/** An outbound call that records its step (if any) before going on. */
const recording =
  <I, O>(stepOf: (input: I) => CodeStep | false) =>
  (input: I, next: (input: I) => O): O => {
    const step = stepOf(input);
    if (step) replayRecorder.step(step);
    return next(input);
  };

/** A handler's rejection, recorded when it ends the run or fails the task (`ignore`: errors the SDK only reports). */
const onRejection =
  (ignore: (err: unknown) => boolean = () => false) =>
  (err: unknown) => {
    if (!ignore(err)) replayRecorder.step(endedBy(err));
    return Promise.reject(err);
  };

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      execute: (input, next) =>
        next(input).then((result) => (replayRecorder.step({ kind: 'complete' }), result), onRejection()),
      handleSignal: (input, next) => next(input).catch(onRejection()),
      // An update handler's TemporalFailure only rejects the update.
      handleUpdate: (input, next) => next(input).catch(onRejection((err) => err instanceof TemporalFailure)),
    },
  ],
  outbound: [
    {
      scheduleActivity: recording((i) => ({ kind: 'activity', name: i.activityType })),
      // A local activity's retries after a backoff come through here again: record its first attempt.
      scheduleLocalActivity: recording((i) => i.attempt === 1 && { kind: 'local-activity', name: i.activityType }),
      startTimer: recording((i) => ({ kind: 'timer', seconds: i.durationMs / 1000 })),
      startChildWorkflowExecution: recording((i) => ({ kind: 'child-workflow', name: i.workflowType })),
    },
  ],
});
