import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/**
 * The page's commands run in bash, each block as one script (`set -e`: a block stops at its first
 * failing command, as a reader would). pnpm starts scripts in process groups of their own, so
 * stopping a command means finding every process under it (Linux /proc), not one group.
 */

export interface ShellProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number for a signal). */
  exited: Promise<number>;
  /**
   * Resolves when the test says 'ok' for stdout; rejects when it says 'fail', after the bound, or
   * when the process exits first.
   */
  waitFor(test: (stdout: string) => 'ok' | 'wait' | 'fail', timeoutMs: number, what: string): Promise<void>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Commands still running, so that an interrupted check can stop them all. */
const live = new Set<ShellProcess>();

export function startShell(script: string, options: { cwd: string; env: NodeJS.ProcessEnv }): ShellProcess {
  const child = spawn('bash', ['-c', `set -eo pipefail\n${script}`], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  // 'close' (not 'exit'): all output has been read by then.
  const exited = new Promise<number>((resolve) => {
    child.once('error', () => resolve(127));
    child.once('close', (code, signal) => resolve(code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0)));
  });
  let done = false;
  void exited.then(() => {
    done = true;
    live.delete(proc);
    for (const l of listeners) l();
  });
  const proc: ShellProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(test, timeoutMs, what) {
      return new Promise<void>((resolve, reject) => {
        const finish = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          const verdict = test(out);
          if (verdict === 'ok') finish();
          else if (verdict === 'fail') finish(new Error(`the output went another way than ${what}`));
          else if (done) finish(new Error(`the command ended (exit ${child.exitCode ?? child.signalCode}) before ${what}`));
        };
        const timer = setTimeout(() => finish(new Error(`waited ${timeoutMs / 1000} s for ${what}`)), timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
  live.add(proc);
  return proc;
}

/** Stops every command still running (an interrupted check must leave nothing behind). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((proc) => killTree(proc)));
}

interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
}

/** Linux's process table; empty where there is no /proc (then only whole groups are signalled). */
function processTable(): ProcInfo[] {
  const table: ProcInfo[] = [];
  if (!fs.existsSync('/proc')) return table;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
      const [, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.push({ pid: Number(entry), ppid: Number(ppid), pgid: Number(pgid) });
    } catch {
      // It exited while we looked.
    }
  }
  return table;
}

function descendantInfo(pid: number): ProcInfo[] {
  const table = processTable();
  const found: ProcInfo[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const p of table) {
      if (p.ppid === parent && !found.some((f) => f.pid === p.pid)) {
        found.push(p);
        queue.push(p.pid);
      }
    }
  }
  return found;
}

/** Live processes whose command line mentions the text (e.g. the scratch copy's path). */
export function processesMentioning(text: string): number[] {
  const found: number[] = [];
  if (!fs.existsSync('/proc')) return found;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // It exited while we looked.
    }
  }
  return found;
}

/** Every live process below pid (children, grandchildren, ...), read from /proc. */
export function descendants(pid: number): number[] {
  return descendantInfo(pid).map((p) => p.pid);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * What Ctrl-C in a terminal does to a foreground `pnpm <script>`: pnpm runs the script in a process
 * group of its own and hands it the terminal, so the SIGINT goes to that group (the script's shell,
 * the Node program, and anything it started in its group), not to pnpm. Without a terminal, the
 * same signal is sent to each process group below the command's own.
 */
export function interrupt(proc: ShellProcess): void {
  if (proc.child.pid === undefined) return;
  const own = proc.child.pid; // detached: the command's own group id is its pid
  const groups = new Set(descendantInfo(own).map((p) => p.pgid).filter((g) => g !== own));
  if (groups.size === 0) groups.add(own);
  for (const group of groups) signal(-group, 'SIGINT');
}

/** Stops the command and everything it started: SIGTERM, then SIGKILL for what is left after graceMs. */
export async function killTree(proc: ShellProcess, graceMs = 5_000): Promise<void> {
  const root = proc.child.pid;
  // Once it has exited, its pid (and group id) may belong to someone else: leave it alone.
  if (root === undefined || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const all = [root, ...descendants(root)];
  signal(-root, 'SIGTERM'); // the command's own group (detached), where there is no /proc to list
  for (const pid of all) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && all.some(alive)) await new Promise((r) => setTimeout(r, 100));
  // Processes started meanwhile hang under the same tree.
  for (const pid of [...all, ...descendants(root)]) if (alive(pid)) signal(pid, 'SIGKILL');
  signal(-root, 'SIGKILL');
  await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 2_000))]);
}

/** Runs a block to its end within the bound; on timeout the whole tree is killed. */
export async function runShell(script: string, options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | 'timeout'; stdout: string; stderr: string }> {
  const proc = startShell(script, options);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)));
  const code = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (code === 'timeout') await killTree(proc);
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}
