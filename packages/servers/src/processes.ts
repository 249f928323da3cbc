import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './paths';

export interface RunningScript {
  child: ChildProcess;
  /** Everything the child printed so far (stdout and stderr, in order of arrival). */
  output(): string;
  /** Resolves when the output contains the text; rejects after the bound or if the child exits first. */
  waitForOutput(text: string | RegExp, timeoutMs: number): Promise<void>;
  /** Resolves with the exit code (or signal name); SIGKILLs the child if it outlives the bound. */
  exit(timeoutMs: number): Promise<number | string>;
}

/**
 * Runs one of the project's TypeScript entry points with ts-node as its own process (its own
 * process group, so tests can signal it like a terminal's Ctrl-C and kill all it started).
 */
export function runScript(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): RunningScript {
  const root = repoRoot();
  const tsNode = require.resolve('ts-node/dist/bin.js', { paths: [root] });
  const child = spawn(process.execPath, [tsNode, script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));

  return {
    child,
    output: () => output,
    waitForOutput(text, timeoutMs) {
      const found = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
      return new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        const check = () => found() && done();
        const timer = setTimeout(() => done(new Error(`No "${String(text)}" within ${timeoutMs} ms. Output so far:\n${output}`)), timeoutMs);
        listeners.add(check);
        void exited.then((code) => !found() && done(new Error(`Exited (${code}) before printing "${String(text)}". Output:\n${output}`)));
        check();
      });
    },
    async exit(timeoutMs) {
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Signals the child's whole process group (what Ctrl-C in a terminal does). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
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
