// Child processes for tests: the project's commands run as their package scripts run them, their
// output kept, every wait bounded, and every child killed by pid (never by name).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@background-check/common';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of the pattern in the output; rejects after the bound or if the child exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Writes a line to the child's stdin. */
  send(line: string): void;
  /** Sends a signal to the child (or, with `group`, to its whole process group, as Ctrl-C in a terminal does). */
  kill(signal: NodeJS.Signals, group?: boolean): void;
  /** Settles on 'close': the process has exited and its stdout and stderr are drained, so output() is complete. */
  exited: Promise<ChildExit>;
  isRunning(): boolean;
  detached: boolean;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Own process group, so a signal can reach it and its children together (like Ctrl-C in a terminal). */
  detached?: boolean;
  cwd?: string;
}

export interface SpawnTsOptions extends SpawnOptions {
  /** Modules (repo-relative .ts files) to load before the script, as `ts-node --require` does. */
  require?: string[];
}

const started = new Set<Child>();

// After a kill, a grandchild that inherited the pipes could keep them open; past this bound the
// pipes are closed from this end so 'close' still comes.
const DRAIN_BOUND_MS = 5_000;

/** True while a process with this pid exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while any process of the group is alive (e.g. a command and the children it started). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts any command as a test child: output kept, stdin open for send(), killed by pid on teardown. */
export function spawnChild(name: string, command: string, args: string[], options: SpawnOptions = {}): Child {
  const detached = options.detached ?? false;
  const proc = spawn(command, args, {
    cwd: options.cwd ?? repoRoot(),
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached,
  });
  if (proc.pid === undefined) throw new Error(`Could not start ${name} (${command}).`);
  let all = '';
  let out = '';
  let err = '';
  let running = true;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    all += d.toString();
    notify();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    all += d.toString();
    notify();
  });
  // A child that exits before reading stdin must not crash the test with EPIPE.
  proc.stdin!.on('error', () => undefined);
  const exited = new Promise<ChildExit>((resolve) => {
    // A spawn error (e.g. no such command) also ends in 'close'.
    proc.once('error', (e) => {
      err += `${String(e)}\n`;
      all += `${String(e)}\n`;
    });
    proc.once('close', (code, signal) => {
      running = false;
      notify();
      resolve({ code, signal });
    });
  });
  const child: Child = {
    name,
    pid: proc.pid,
    proc,
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    exited,
    isRunning: () => running,
    detached,
    send: (line) => {
      proc.stdin!.write(`${line}\n`);
    },
    kill: (signal, group = false) => {
      if (!running) return;
      try {
        process.kill(group ? -proc.pid! : proc.pid!, signal);
      } catch (e) {
        // Exited (or its group emptied) between the check and the signal.
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
    },
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        const check = () => {
          const m = all.match(pattern);
          if (m) {
            done();
            resolve(m);
          } else if (!running) {
            done();
            reject(new Error(`${name} exited before printing ${pattern}. Its output:\n${all}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name} did not print ${pattern} within ${timeoutMs / 1000} s. Its output:\n${all}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
  started.add(child);
  void exited.then(() => started.delete(child));
  return child;
}

// The ts-node CLI, as the package scripts run it (`ts-node packages/.../main.ts`): it finds the
// tsconfig.json next to the script, not the root one.
const TS_NODE_BIN = require.resolve('ts-node/dist/bin.js', { paths: [repoRoot()] });

/** Runs a TypeScript entry point the way `pnpm start:worker` & co. do (ts-node, transpile only), from the repo root. */
export function spawnTs(name: string, script: string, args: string[] = [], options: SpawnTsOptions = {}): Child {
  const root = repoRoot();
  const preload = (options.require ?? []).flatMap((file) => ['--require', path.resolve(root, file)]);
  return spawnChild(name, process.execPath, [TS_NODE_BIN, ...preload, path.resolve(root, script), ...args], {
    ...options,
    env: { ...options.env, TS_NODE_TRANSPILE_ONLY: 'true' },
  });
}

/** Waits for 'close' within the bound; if the pipes stay open past it, closes them from this end. */
async function closedWithin(child: Child, timeoutMs: number): Promise<ChildExit | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([child.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs the child (its group if detached) and waits for 'close', bounded. */
async function killAndReap(child: Child): Promise<ChildExit> {
  child.kill('SIGKILL', child.detached);
  const exit = await closedWithin(child, DRAIN_BOUND_MS);
  if (exit) return exit;
  // The process is gone but something else holds its pipes: stop reading them.
  child.proc.stdout?.destroy();
  child.proc.stderr?.destroy();
  child.proc.stdin?.destroy();
  const after = await closedWithin(child, DRAIN_BOUND_MS);
  if (!after) throw new Error(`${child.name} (pid ${child.pid}) did not go away after SIGKILL.`);
  return after;
}

/** Bounded wait for a child to exit and its output to drain; SIGKILL (by pid) if it has not by then. */
export async function waitForExit(child: Child, timeoutMs: number): Promise<ChildExit & { timedOut: boolean }> {
  const exit = await closedWithin(child, timeoutMs);
  if (exit) return { ...exit, timedOut: false };
  return { ...(await killAndReap(child)), timedOut: true };
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
  await Promise.all([...started].map((child) => killAndReap(child)));
}

/** Counts lines of the output that match. */
export function countLines(text: string, pattern: RegExp): number {
  return text.split('\n').filter((line) => pattern.test(line)).length;
}

/** A stack-trace frame line ("    at fn (file:1:2)"): what a user must never see for bad input. */
export const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;
