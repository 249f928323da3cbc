import { redactSsns } from './ssn';

/** A mistake on a command line: the command prints the message and its usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string) {
    // Usage messages quote what was typed; an SSN typed in the wrong place must not be echoed.
    super(redactSsns(message));
  }
}

/**
 * The promise's value, or a rejection once `ms` pass: nothing waits forever. `onTimeout` is the
 * error to reject with, or the name of what did not answer.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: string | (() => Error)): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(typeof onTimeout === 'string' ? new Error(`${onTimeout} did not answer within ${ms / 1000} s.`) : onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
