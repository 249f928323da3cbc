// Every export of this module is a workflow type: an expense approval that waits for a decision, reminds the
// approver through a child workflow when none comes in time, and continues as new after a few reminders.
import {
  condition,
  continueAsNew,
  defineSignal,
  executeChild,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities';
import { REMINDERS_PER_RUN, REMINDER_AFTER, reminderId } from '../policy';

export const approve = defineSignal<[string]>('approve');
export const reject = defineSignal<[string]>('reject');

const { sendReminder } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

/** Waits for `approve` or `reject` (the approver's name); returns the decision. */
export async function Approval(request: string, remindersSent = 0): Promise<string> {
  let decision: string | undefined;
  setHandler(approve, (by) => void (decision = `approved by ${by}`));
  setHandler(reject, (by) => void (decision = `rejected by ${by}`));
  for (let sent = remindersSent; !(await condition(() => decision !== undefined, REMINDER_AFTER));) {
    sent += 1;
    await executeChild(Reminder, { workflowId: reminderId(workflowInfo().workflowId, sent), args: [request, sent] });
    if (sent % REMINDERS_PER_RUN === 0) await continueAsNew<typeof Approval>(request, sent);
  }
  return decision!;
}

/** One reminder to the approver, as a child workflow of the request. */
export async function Reminder(request: string, reminder: number): Promise<string> {
  return await sendReminder(request, reminder);
}
