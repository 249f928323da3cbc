/** Sends a reminder to the approver (a real team's would send an email). */
export declare function sendReminder(request: string, reminder: number): Promise<string>;
