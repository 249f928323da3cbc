// A rewritten SSN trace (another vendor, another check). Activity code runs on the worker, outside
// the workflow sandbox; the workflow only ever sees its type.
export async function ssnTrace(ssn: string): Promise<string> {
  const digits = ssn.replace(/\D/g, '');
  if (digits.length !== 9) throw new Error('CHANGED-ACTIVITY-CODE: an SSN has nine digits');
  return 'pass';
}
