import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Child processes for tests: the project's TypeScript entry points run as the package scripts run
 * them, their output kept, waits bounded, and every one killed by pid (never by name).
 */

/** A child process the tests start: its output is kept, and it is killed by pid (never by name). */
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
  /** Sends a signal to the child (or, for a child in its own process group, to the whole group, as Ctrl-C does). */
  kill(signal: NodeJS.Signals, group?: boolean): void;
  exited: Promise<ChildExit>;
  isRunning(): boolean;
  detached: boolean;
}

const started = new Set<Child>();

/** True while a process with this pid exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Own process group, so a signal can reach it and its children together (like Ctrl-C in a terminal). */
  detached?: boolean;
  cwd?: string;
  /** Modules (repo-relative .ts files) to load before the script, as `ts-node --require` does. */
  require?: string[];
}

// The ts-node CLI, as the package scripts run it (`ts-node packages/.../main.ts`): it finds the
// tsconfig.json next to the script, not the root one.
const TS_NODE_BIN = require.resolve('ts-node/dist/bin.js', { paths: [repoRoot()] });

/** Runs a TypeScript entry point the way `pnpm start:worker` & co. do (ts-node, transpile only), from the repo root. */
export function spawnTs(name: string, script: string, args: string[] = [], options: SpawnOptions = {}): Child {
  const root = repoRoot();
  const preload = (options.require ?? []).flatMap((file) => ['--require', path.resolve(root, file)]);
  const proc = spawn(process.execPath, [TS_NODE_BIN, ...preload, path.resolve(root, script), ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  if (proc.pid === undefined) throw new Error(`Could not start ${name} (${script}).`);
  let all = '';
  let out = '';
  let err = '';
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
  let running = true;
  const exited = new Promise<ChildExit>((resolve) => {
    proc.once('exit', (code, signal) => {
      running = false;
      notify();
      // Let the pipes drain so the last lines are in the output.
      setTimeout(() => resolve({ code, signal }), 50);
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
    detached: options.detached ?? false,
    send: (line) => {
      proc.stdin!.write(`${line}\n`);
    },
    kill: (signal, group = false) => {
      if (!running) return;
      process.kill(group ? -proc.pid! : proc.pid!, signal);
    },
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
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
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
  started.add(child);
  void exited.then(() => started.delete(child));
  return child;
}

/** Kills every child still running (SIGKILL by pid, the group for detached ones) and waits for them: for afterAll. */
export async function killAllChildren(): Promise<void> {
  const running = [...started];
  for (const child of running) {
    try {
      process.kill(child.detached ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all(running.map((c) => c.exited));
}

/** Bounded wait for a child to exit; SIGKILL (by pid) if it has not by then. */
export async function waitForExit(child: Child, timeoutMs: number): Promise<ChildExit & { timedOut: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), timeoutMs);
  });
  const result = await Promise.race([child.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    child.kill('SIGKILL', child.detached);
    return { ...(await child.exited), timedOut: true };
  }
  return { ...result, timedOut: false };
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
