// Workflow code: bundled with the workflows on the replay worker only. It tells the replay test what the
// code under test commanded, in order, through a sink that is called during replay too.
import { proxySinks, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export interface CodeStep {
  kind: 'activity' | 'local-activity' | 'timer' | 'child-workflow' | 'complete' | 'fail';
  /** Activity or child workflow type. */
  name?: string;
  /** Timer duration. */
  seconds?: number;
}

export interface RecorderSinks extends Sinks {
  replayRecorder: { step(step: CodeStep): void };
}

const { replayRecorder } = proxySinks<RecorderSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        try {
          const result = await next(input);
          replayRecorder.step({ kind: 'complete' });
          return result;
        } catch (err) {
          replayRecorder.step({ kind: 'fail' });
          throw err;
        }
      },
    },
  ],
  outbound: [
    {
      scheduleActivity(input, next) {
        replayRecorder.step({ kind: 'activity', name: input.activityType });
        return next(input);
      },
      scheduleLocalActivity(input, next) {
        // A local activity's retries after a backoff come through here again: record its first attempt.
        if (input.attempt === 1) replayRecorder.step({ kind: 'local-activity', name: input.activityType });
        return next(input);
      },
      startTimer(input, next) {
        replayRecorder.step({ kind: 'timer', seconds: input.durationMs / 1000 });
        return next(input);
      },
      startChildWorkflowExecution(input, next) {
        replayRecorder.step({ kind: 'child-workflow', name: input.workflowType });
        return next(input);
      },
    },
  ],
});
