// Child processes for tests: the project's commands run as their package scripts run them, their
// output kept, every wait bounded, and every child killed by pid (never by name).
import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { repoRoot } from '@background-check/common';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** detached: own process group, so a signal can reach it and its children together (as Ctrl-C does). */
type SpawnOptions = { env?: NodeJS.ProcessEnv; detached?: boolean };
export type Child = ReturnType<typeof spawnChild>;

const started = new Set<Child>();

/** Resolves with undefined after `ms` (a timer that keeps nothing alive): the losing side of a bounded race. */
const bound = (ms: number) => setTimeout(ms, undefined, { ref: false });

/** True while a process with this pid exists (a negative pid: while any process of that group does). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while any process of the group is alive (e.g. a command and the children it started). */
export const groupAlive = (pgid: number): boolean => pidAlive(-pgid);

/** Starts any command as a test child: output kept, stdin open for send(), killed by pid on teardown. */
export function spawnChild(name: string, command: string, args: string[], options: SpawnOptions = {}) {
  const detached = options.detached ?? false;
  const proc = spawn(command, args, { cwd: repoRoot(), env: { ...process.env, ...options.env }, detached });
  const pid = proc.pid;
  if (pid === undefined) throw new Error(`Could not start ${name} (${command}).`);
  const text = { all: '', stdout: '', stderr: '' };
  let running = true;
  const changes = new EventEmitter(); // emits 'change' on output and on close, for waitFor
  const record = (stream: 'stdout' | 'stderr', chunk: unknown) => {
    text[stream] += chunk;
    text.all += chunk;
    changes.emit('change');
  };
  proc.stdout.on('data', (d) => record('stdout', d));
  proc.stderr.on('data', (d) => record('stderr', d));
  proc.on('error', (e) => record('stderr', `${e}\n`));
  // A child that exits before reading stdin must not crash the test with EPIPE.
  proc.stdin.on('error', () => undefined);
  const child = {
    name,
    pid,
    proc,
    detached,
    /** stdout and stderr so far, interleaved as they arrived. */
    output: () => text.all,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    isRunning: () => running,
    /** Settles on 'close': the process has exited and its output is drained, so output() is complete. */
    exited: new Promise<ChildExit>((resolve) => {
      proc.once('close', (code, signal) => {
        running = false;
        changes.emit('change');
        resolve({ code, signal });
      });
    }),
    /** Writes a line to the child's stdin. */
    send: (line: string) => proc.stdin.write(`${line}\n`),
    /** Sends a signal to the child (with `group`, to its whole process group, as Ctrl-C in a terminal does). */
    kill(signal: NodeJS.Signals, group = false) {
      try {
        if (running) process.kill(group ? -pid : pid, signal);
      } catch (e) {
        // Exited (or its group emptied) between the check and the signal.
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
    },
    /** The first match of the pattern in the output; rejects after the bound or if the child exits first. */
    async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
      const timeout = setTimeout(timeoutMs, 'timeout', { ref: false });
      for (;;) {
        const match = text.all.match(pattern);
        if (match) return match;
        if (!running) throw new Error(`${name} exited before printing ${pattern}. Its output:\n${text.all}`);
        if ((await Promise.race([once(changes, 'change'), timeout])) === 'timeout')
          throw new Error(`${name} did not print ${pattern} within ${timeoutMs / 1000} s. Its output:\n${text.all}`);
      }
    },
  };
  started.add(child);
  void child.exited.then(() => started.delete(child));
  return child;
}

// The ts-node CLI, as the package scripts run it (`ts-node packages/.../main.ts`): it finds the
// tsconfig.json next to the script, not the root one.
const TS_NODE_BIN = require.resolve('ts-node/dist/bin.js', { paths: [repoRoot()] });

/**
 * Runs a TypeScript entry point the way `pnpm start:worker` & co. do (ts-node, transpile only), from
 * the repo root; `require` lists repo-relative modules to load first (`ts-node --require`).
 */
export function spawnTs(
  name: string,
  script: string,
  args: string[] = [],
  { require = [], ...options }: SpawnOptions & { require?: string[] } = {},
): Child {
  const preload = require.flatMap((file) => ['--require', path.resolve(repoRoot(), file)]);
  return spawnChild(name, process.execPath, [TS_NODE_BIN, ...preload, path.resolve(repoRoot(), script), ...args], {
    ...options,
    env: { ...options.env, TS_NODE_TRANSPILE_ONLY: 'true' },
  });
}

/** SIGKILLs the child (its group if detached) and waits for 'close', bounded. */
async function killAndReap(child: Child): Promise<ChildExit> {
  child.kill('SIGKILL', child.detached);
  // After the kill, a grandchild that inherited the pipes could keep them open: then close them from this end.
  const exit = await Promise.race([child.exited, bound(5_000)]);
  if (exit) return exit;
  [child.proc.stdout, child.proc.stderr, child.proc.stdin].forEach((pipe) => pipe.destroy());
  const after = await Promise.race([child.exited, bound(5_000)]);
  if (!after) throw new Error(`${child.name} (pid ${child.pid}) did not go away after SIGKILL.`);
  return after;
}

/** Bounded wait for a child to exit and its output to drain; SIGKILL (by pid) if it has not by then. */
export async function waitForExit(child: Child, timeoutMs: number): Promise<ChildExit & { timedOut: boolean }> {
  const exit = await Promise.race([child.exited, bound(timeoutMs)]);
  return exit ? { ...exit, timedOut: false } : { ...(await killAndReap(child)), timedOut: true };
}

/** Waits (bounded) for the child to exit with `code`; otherwise fails with its output, which says why. */
export async function expectExit(child: Child, code: number, timeoutMs: number): Promise<ChildExit> {
  const exit = await waitForExit(child, timeoutMs);
  if (exit.code !== code || exit.timedOut) {
    const how = exit.timedOut ? `did not exit within ${timeoutMs / 1000} s` : `exited with ${exit.code ?? exit.signal}`;
    throw new Error(`${child.name} ${how}, expected exit ${code}. Its output:\n${child.output()}`);
  }
  return exit;
}

/** Kills every child still running (SIGKILL by pid, the whole group for detached ones) and reaps them: for afterAll. */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...started].map(killAndReap));
}

/** Counts lines of the output that match. */
export const countLines = (text: string, pattern: RegExp): number =>
  text.split('\n').filter((line) => pattern.test(line)).length;

/** A stack-trace frame line ("    at fn (file:1:2)"): what a user must never see for bad input. */
export const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;
