// Runs a command as a child process tree and measures it from spawn to exit: wall time, the peak RSS of
// every process in the tree (Linux /proc), and their CPU time.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Measured {
  code: number | null;
  wallS: number;
  /** Sum over the tree's processes of each one's peak RSS (VmHWM): an upper bound of the tree's peak. */
  peakRssMb: number;
  /** Each process's peak RSS in MB, by what it runs (its script's file name, else its program's). */
  perProcess: { name: string; rssMb: number }[];
  cpuS: number; // user + system, summed over the tree
  output: string; // the last 4 KB of stdout and stderr
}

const SAMPLE_MS = 100;
const TICKS = 100; // clock ticks per second of /proc/PID/stat's CPU fields on Linux
const running = new Set<ChildProcess>();

/** Kills every process tree this module started (Ctrl-C): each child leads its own process group. */
export function killAll(): void {
  for (const child of running) if (child.pid) process.kill(-child.pid, 'SIGKILL');
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined; // it exited between the listing and the read
  }
}

/** What a process runs: its script's file name (node's first .js/.ts argument outside node_modules), else its program's. */
function nameOf(pid: number): string | undefined {
  const argv = (readProc(pid, 'cmdline') ?? '').split('\0').filter(Boolean);
  const program = argv.slice(1).find((a) => /\.[cm]?[jt]s$/.test(a) && !a.includes('node_modules')) ?? argv[0];
  return program && path.basename(program);
}

/** The processes under `root` (itself included), with their CPU seconds. */
function tree(root: number): Map<number, number> {
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    const stat = Number.isInteger(pid) ? readProc(pid, 'stat') : undefined;
    // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15).
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (!fields) continue;
    parents.set(pid, Number(fields[1]));
    cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS);
  }
  const found = new Map<number, number>([[root, cpu.get(root) ?? 0]]);
  for (let size = 0; size !== found.size;) {
    size = found.size;
    for (const [pid, parent] of parents) if (found.has(parent)) found.set(pid, cpu.get(pid) ?? 0);
  }
  return found;
}

/** Runs `command args` to its exit (killed after `timeoutMs`), sampling its process tree every 100 ms. */
export async function measure(
  command: string,
  args: string[],
  { env = process.env, cwd = process.cwd(), timeoutMs }: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number },
): Promise<Measured> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4096));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit');
  let done = false;
  void exited.finally(() => (done = true));
  const peaks = new Map<number, number>(); // pid: VmHWM in kB
  const names = new Map<number, string>();
  const cpu = new Map<number, number>();
  const deadline = Date.now() + timeoutMs;
  try {
    while (!done) {
      for (const [pid, seconds] of tree(child.pid!)) {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readProc(pid, 'status') ?? '');
        if (hwm) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, Number(hwm[1])));
        // Read again each time: a forked child shows its parent's command line until it execs.
        names.set(pid, nameOf(pid) ?? names.get(pid) ?? '?');
        cpu.set(pid, Math.max(cpu.get(pid) ?? 0, seconds));
      }
      if (Date.now() > deadline) {
        process.kill(-child.pid!, 'SIGKILL');
        throw new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs / 1000} s.`);
      }
      await Promise.race([exited, sleep(SAMPLE_MS)]);
    }
    const [code] = (await exited) as [number | null];
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    const perProcess = [...peaks].map(([pid, kb]) => ({ name: names.get(pid) ?? '?', rssMb: kb / 1024 }));
    return { code, wallS, peakRssMb: sum(peaks) / 1024, perProcess, cpuS: sum(cpu), output };
  } finally {
    running.delete(child);
  }
}
