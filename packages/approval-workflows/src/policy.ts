// The approval policy, shared by the team's workflows and its other code: it lives outside the workflows folder.

/** How long the approver has before each reminder. */
export const REMINDER_AFTER = '1 hour';

/** Reminders sent by one run; then the workflow continues as new, so its history stays short. */
export const REMINDERS_PER_RUN = 2;

/** The reminder child's workflow id: one per request and reminder, so a retried start never sends it twice. */
export const reminderId = (requestWorkflowId: string, reminder: number) => `${requestWorkflowId}/reminder-${reminder}`;
