/** A mistake on the command line: the command prints the message and its usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * `--name value` flags (and `--name=value`), boolean switches, and positional arguments.
 * Unknown flags and missing values are usage errors.
 */
export function parseFlags(argv: string[], valued: string[], switches: string[] = []): { flags: Record<string, string>; switches: Set<string>; positional: string[] } {
  const flags: Record<string, string> = {};
  const on = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (switches.includes(name)) {
      on.add(name);
    } else if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value.`);
      flags[name] = value;
    } else {
      throw new UsageError(`Unknown option ${name}.`);
    }
  }
  return { flags, switches: on, positional };
}

/** Rejects after `ms` with a message saying what took too long; nothing waits forever. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s.`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
