/**
 * A problem the user can fix (a bad argument, a file that is not a history, a server that does not answer).
 * The message says what was wrong, where, and what to do; the command prints it without a stack and exits 1.
 */
export class ReplayCheckError extends Error {
  override name = 'ReplayCheckError';
}

/** A mistake in the command line (an unknown option, a bad value, a refused query): exit 2, with the usage. */
export class UsageError extends ReplayCheckError {
  override name = 'UsageError';
}
