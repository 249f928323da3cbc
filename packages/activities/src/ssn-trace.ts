import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { maskSsn, ssnProblem } from '@background-check/common';

/** Failure type for input that no retry can fix. */
export const INVALID_SSN = 'InvalidSsn';

/**
 * The SSN trace. A real one would call a third-party API (I/O belongs in activities, not in
 * workflow code); this one checks the SSN's shape and returns "pass".
 */
export async function ssnTrace(ssn: string): Promise<string> {
  const problem = ssnProblem(ssn);
  if (problem) {
    // Non-retryable: the same input fails the same way on every attempt.
    throw ApplicationFailure.create({
      type: INVALID_SSN,
      message: `Invalid SSN: ${problem}. Pass an SSN in the form ###-##-#### (three digits, two digits, four digits).`,
      nonRetryable: true,
    });
  }
  log.info('SSN trace passed', { ssn: maskSsn(ssn) });
  return 'pass';
}
