// What the package's commands share: paths as the user typed them, whole-number options, and the one place that
// turns errors into exit codes (library code throws typed errors; see errors.ts).
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ReplayCheckError, UsageError } from './errors';

/** Where the user ran the command: pnpm runs scripts from the repository root and says where in INIT_CWD. */
const cwd = () => process.env.INIT_CWD ?? process.cwd();
export const userPath = (p: string) => path.resolve(cwd(), p);
export const shownPath = (file: string) => path.relative(cwd(), file) || file;

export function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} takes a whole number of at least 1, not "${value}".`);
  return n;
}

/** `node:util` parseArgs, strict, its mistakes as UsageErrors. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: true }>> {
  try {
    return parseArgs({ args: args[0] === '--' ? args.slice(1) : args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

/** The workflow types the code defines: its exported functions, as the worker registers them. */
export function workflowTypesOf(workflowsPath: string): string[] {
  let module: Record<string, unknown>;
  try {
    module = require(workflowsPath) as Record<string, unknown>;
  } catch (err) {
    throw new ReplayCheckError(`Cannot load the workflow code at ${workflowsPath}: ${(err as Error).message}`);
  }
  const types = Object.keys(module).filter((name) => typeof module[name] === 'function');
  if (types.length === 0)
    throw new ReplayCheckError(
      `${workflowsPath} exports no function: it defines no workflow type. Name the module that exports your workflows (--workflows).`,
    );
  return types;
}

/**
 * Runs a command and exits with its code: a usage mistake prints the message and the usage (exit 2), another
 * ReplayCheckError its message (exit 1), anything else its stack (exit 1). Ctrl-C stops at once (exit 130).
 */
export function runMain(main: () => Promise<number>, usage: string): void {
  process.once('SIGINT', () => {
    console.error('\nInterrupted.');
    process.exit(130);
  });
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError) console.error(`${err.message}\n\n${usage}`);
      else console.error(err instanceof ReplayCheckError ? err.message : ((err as Error)?.stack ?? String(err)));
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
