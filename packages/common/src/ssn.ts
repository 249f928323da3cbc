/** Well-formed: three digits, two digits, four digits, separated by dashes. */
export const SSN_PATTERN = /^\d{3}-\d{2}-\d{4}$/;

/** Why a value is not a well-formed SSN, or undefined when it is. Never echoes the value. */
export function ssnProblem(ssn: unknown): string | undefined {
  if (typeof ssn !== 'string') {
    return `the SSN must be a string, got ${ssn === null ? 'null' : typeof ssn}`;
  }
  if (ssn.length === 0) return 'the SSN is empty';
  if (ssn.length > 11) return `the SSN is too long (${ssn.length} characters; expected 11 as ###-##-####)`;
  if (!SSN_PATTERN.test(ssn)) return 'the SSN is not in the form ###-##-#### (digits and dashes)';
  return undefined;
}

/**
 * Masks an SSN for logs: keeps only the last four digits of a well-formed one,
 * and hides anything else entirely (a malformed value may still be personal data).
 */
export function maskSsn(ssn: unknown): string {
  if (typeof ssn === 'string' && SSN_PATTERN.test(ssn)) return `***-**-${ssn.slice(-4)}`;
  return '***-**-****';
}

/** Replaces anything that looks like an SSN in free text (log lines, error messages). */
export function redactSsns(text: string): string {
  return text.replace(/\b\d{3}-\d{2}-(\d{4})\b/g, '***-**-$1');
}
