// Workflow code: bundled with the workflows on the replay worker only. It tells the replay test what the
// code under test commanded, in order, through a sink that is called during replay too.
import { proxySinks, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export interface CodeStep {
  kind: 'activity' | 'local-activity' | 'timer' | 'child-workflow' | 'complete' | 'fail';
  name?: string; // activity or child workflow type
  seconds?: number; // timer duration
}

export type RecorderSinks = Sinks & { replayRecorder: { step(step: CodeStep): void } };

const { replayRecorder } = proxySinks<RecorderSinks>();

/** An outbound call that records its step (if any) before going on. */
const recording =
  <I, O>(stepOf: (input: I) => CodeStep | false) =>
  (input: I, next: (input: I) => O): O => {
    const step = stepOf(input);
    if (step) replayRecorder.step(step);
    return next(input);
  };

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      execute: (input, next) =>
        next(input).then(
          (result) => (replayRecorder.step({ kind: 'complete' }), result),
          (err) => (replayRecorder.step({ kind: 'fail' }), Promise.reject(err)),
        ),
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
