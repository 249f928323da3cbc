// The team's activities: I/O happens here, never in workflow code.

/** Sends a reminder to the approver (a real team's would send an email). */
export async function sendReminder(request: string, reminder: number): Promise<string> {
  return `reminder ${reminder} about ${request} sent`;
}
