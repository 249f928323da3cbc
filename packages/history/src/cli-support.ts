import path from 'node:path';
import { ConnectionProblem, connectClient, loadTemporalConfig, type Connected } from '@background-check/connection';
import { UsageError } from '@background-check/common';
import { HistoryReadProblem } from './read';

/** The configured server (TEMPORAL_* settings, temporal.toml, else the local dev server), this namespace. */
export async function connectFor(namespace?: string): Promise<Connected> {
  const env = namespace ? { ...process.env, TEMPORAL_NAMESPACE: namespace } : process.env;
  return await connectClient(loadTemporalConfig(env));
}

/** A path as the user meant it: relative to where they ran pnpm (INIT_CWD), not this package. */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** A path as the user can read it: relative to where they ran pnpm. */
export function shownPath(p: string): string {
  return path.relative(process.env.INIT_CWD ?? process.cwd(), p) || '.';
}

/** A missing execution, in words: which id, which run, where. */
export function isNotFound(err: unknown): boolean {
  return (err as Error)?.name === 'WorkflowNotFoundError' || (err as { code?: number })?.code === 5;
}

/** Runs a command's main: exit 0/1 as it returns, 2 for usage errors, 1 with a plain message otherwise. */
export function runCli(main: () => Promise<number>, usage: string): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof UsageError) {
        console.error(`${err.message}\n${usage}`);
        process.exit(2);
      }
      const known = err instanceof ConnectionProblem || err instanceof HistoryReadProblem || (err as Error)?.name === 'CliProblem';
      console.error(known ? (err as Error).message : `Failed: ${(err as Error)?.stack ?? String(err)}`);
      process.exit(1);
    },
  );
}

/** A problem the user fixes (wrong id, file exists, ...): printed without a stack. */
export class CliProblem extends Error {
  override name = 'CliProblem';
}
