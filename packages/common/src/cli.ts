import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { redactSsns } from './ssn';

/**
 * A problem the user can fix (bad input, a server that doesn't answer, a missing binary): the command
 * prints the message, without a stack, and exits with `exitCode` (2 for usage mistakes).
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    // Messages quote what was typed; an SSN typed in the wrong place must not be echoed.
    super(redactSsns(message));
  }
}

/**
 * Runs a command's `main` and exits with its code: a UserError prints its message (and for a usage
 * mistake, exit code 2, the usage), anything else its stack (SSNs masked). Every command of the project
 * goes through this one wrapper.
 */
export function runCommand(main: () => Promise<number | void>, usage?: string): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (err: unknown) => {
      if (!(err instanceof UserError)) console.error(redactSsns(`${(err as Error)?.stack ?? String(err)}`));
      else console.error(err.exitCode === 2 && usage ? `${err.message}\n\n${usage}` : err.message);
      process.exit(err instanceof UserError ? err.exitCode : 1);
    },
  );
}

type ParsedValues<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<
  typeof parseArgs<{ options: T; strict: true }>
>['values'];

/**
 * `node:util` parseArgs, strict, for a command with a usage text: `--help` prints the usage and exits 0;
 * a mistake is a UserError (exit 2) that says what was wrong (runCommand adds the usage).
 */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
  allowPositionals = false,
): { values: ParsedValues<T>; positionals: string[] } {
  // `pnpm x -- --flag` passes the separator through; it carries no meaning here.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals }) as ReturnType<typeof parseCommandArgs<T>>;
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    throw new UserError(message, 2);
  }
}

/** A whole number within bounds from an option's text, or a UserError naming the option. */
export function intOption(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UserError(`--${name} takes a whole number of at least ${min}, not "${value}".`, 2);
  return n;
}

/** The promise's value, or a rejection once `ms` pass: nothing waits forever. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: string | (() => Error)): Promise<T> {
  const late = () =>
    typeof onTimeout === 'string' ? new UserError(`${onTimeout} did not answer within ${ms / 1000} s.`) : onTimeout();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(late()), ms)));
  return await Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The repository root (this file is packages/common/src/cli.ts). */
export const repoRoot = () => path.resolve(__dirname, '..', '..', '..');

/** Git-ignored folder for run-time state (dev-server database, saved histories); BACKGROUNDCHECK_STATE_DIR moves it. */
export function stateDir(...parts: string[]): string {
  const dir = path.join(process.env.BACKGROUNDCHECK_STATE_DIR || path.join(repoRoot(), '.temporal'), ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A path the user typed, relative to where they ran pnpm (INIT_CWD), not to the package folder. */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}
