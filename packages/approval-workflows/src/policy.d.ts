/** How long the approver has before each reminder. */
export declare const REMINDER_AFTER = "1 hour";
/** Reminders sent by one run; then the workflow continues as new, so its history stays short. */
export declare const REMINDERS_PER_RUN = 2;
/** The reminder child's workflow id: one per request and reminder, so a retried start never sends it twice. */
export declare const reminderId: (requestWorkflowId: string, reminder: number) => string;
