// Runs the page's commands in order, as a reader would in several terminals, in a scratch copy of the
// repository, and compares each output with the page.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { UserError } from '@background-check/common';
import { freePort } from '@background-check/servers';
import { PAGE_FILE } from './checks';
import { describeMismatch, matchOutput, outputLines } from './expect';
import { parsePage, type Step } from './page';

/** `code`: the exit code (128 + signal number for a signal), once it has exited and its output is read. */
type Command = { child: ChildProcess; out: string; err: string; code?: number };

const commands = new Set<Command>();
const scratches = new Set<string>();

/** A block runs as one bash script that stops at its first failing command, in a process group of its own. */
function start(script: string, cwd: string, env: NodeJS.ProcessEnv): Command {
  const args = ['-c', `set -eo pipefail\n${script}`];
  const child = spawn('bash', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const command: Command = { child, out: '', err: '' };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (command.out += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (command.err += text));
  const exited = (code: number) => {
    command.code ??= code;
    commands.delete(command);
  };
  child.once('error', () => exited(127));
  child.once('close', (code, signal) => exited(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  commands.add(command);
  return command;
}

/** Sends the signal; false when the process is gone (signal 0 only asks whether it is alive). */
function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    return process.kill(pid, name);
  } catch {
    return false;
  }
}

/** [pid, parent pid, process group] of the process and everything below it. */
function tree(pid: number): number[][] {
  const ps = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid='], { encoding: 'utf8' });
  const table = [...ps.matchAll(/(\d+) +(\d+) +(\d+)/g)].map((row) => row.slice(1).map(Number));
  const found = table.filter(([p]) => p === pid);
  for (let i = 0; i < found.length; i++) found.push(...table.filter(([, parent]) => parent === found[i]![0]));
  return found;
}

/** Polls the condition until it holds or the bound has passed; says whether it holds. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await delay(100);
  return done();
}

// Ctrl-C as a terminal sends it, to the foreground process group: pnpm gives that to the script it
// runs, not to itself. Without a terminal, that is each process group below the command's own.
function interrupt({ child, code }: Command): void {
  if (code !== undefined) return; // it has ended already (and its pid may be someone else's by now)
  const groups = new Set(tree(child.pid!).map(([, , group]) => group!));
  groups.delete(child.pid!);
  for (const group of groups.size > 0 ? groups : [child.pid!]) signal(-group, 'SIGINT');
}

/** SIGTERM to the command and everything below it, then SIGKILL to what is left after a grace period. */
async function kill(command: Command): Promise<void> {
  if (command.code !== undefined) return; // its pid may be someone else's by now
  const pids = tree(command.child.pid!).map(([pid]) => pid!);
  for (const name of ['SIGTERM', 'SIGKILL'] as const) {
    const alive = () => pids.filter((pid) => signal(pid, 0));
    for (const pid of alive()) signal(pid, name);
    await until(() => alive().length === 0, name === 'SIGTERM' ? 5_000 : 2_000);
  }
}

/** Stops every command still running and removes the scratch copies: nothing is left behind. */
export async function cleanUp(): Promise<void> {
  await Promise.all([...commands].map(kill));
  for (const dir of scratches) fs.rmSync(dir, { recursive: true, force: true });
  scratches.clear();
}

// The working tree's files (tracked and new, not ignored: uncommitted edits are checked too) with the
// source's install: node_modules/.pnpm and .tools as symlinks, the rest of each node_modules copied as
// the links it is made of (so workspace links point into the copy), and the bundles `pnpm install` builds.
export function createScratch(source: string): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'background-check-walkthrough-')));
  scratches.add(root);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: source });
  const installed = fs.readdirSync(path.join(source, 'packages')).map((p) => `packages/${p}/node_modules`);
  const store = path.join(source, 'node_modules', '.pnpm');
  const options = { recursive: true, verbatimSymlinks: true, filter: (from: string) => from !== store };
  for (const file of [...files.toString().split('\0'), 'node_modules', ...installed, 'packages/replay/dist']) {
    const from = path.join(source, file);
    if (file && fs.existsSync(from)) fs.cpSync(from, path.join(root, file), options);
  }
  for (const link of ['node_modules/.pnpm', '.tools'].filter((l) => fs.existsSync(path.join(source, l)))) {
    fs.symlinkSync(fs.realpathSync(path.join(source, link)), path.join(root, link));
  }
  return root;
}

/** A free port whose port + 1000 is free too: `pnpm start:server` puts the Web UI there. */
async function serverPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    const ui = net.createServer();
    const free = await new Promise((resolve) => {
      ui.once('error', () => resolve(false)).listen(port + 1000, '127.0.0.1', () => ui.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('Found no free port p with p + 1000 free as well (for the dev server and its Web UI).');
}

/** A reader's environment (none of our npm_, pnpm_ or TEMPORAL_ settings), with the server on its own port. */
function commandEnv(scratch: string, port: number): NodeJS.ProcessEnv {
  const ours = /^(npm_|pnpm_|TEMPORAL_|BACKGROUNDCHECK_|JEST_|INIT_CWD$|NODE_OPTIONS$|NODE_ENV$)/i;
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !ours.test(key)));
  // The pnpm that runs us comes first on PATH, for the page's `pnpm ...` commands.
  const pnpm = process.env.npm_execpath ?? '';
  if (/^pnpm(\.exe)?$/.test(path.basename(pnpm))) env.PATH = `${path.dirname(pnpm)}${path.delimiter}${env.PATH}`;
  // The copy has the source's install: pnpm must not check it against the copy's folders and install again.
  env.pnpm_config_verify_deps_before_run = 'false';
  // `git apply` in the copy must not find an enclosing repository.
  return { ...env, TEMPORAL_ADDRESS: `localhost:${port}`, GIT_CEILING_DIRECTORIES: path.dirname(scratch) };
}

const summary = (step: Step) => (step.kind === 'stop' ? `Ctrl-C ${step.name}` : step.script.split('\n')[0]);

type Options = { source: string; keep?: boolean; log?: (line: string) => void };

export async function runWalkthrough({ source, keep = false, log = console.log }: Options) {
  const page = parsePage(fs.readFileSync(path.join(source, PAGE_FILE), 'utf8'), PAGE_FILE);
  const started = Date.now();
  const scratch = createScratch(source);
  log(`Scratch copy: ${scratch}`);
  const port = await serverPort();
  const env = commandEnv(scratch, port);
  // The page shows the chapter's addresses.
  const local = (p: number) => new RegExp(`(localhost|127\\.0\\.0\\.1):${p}\\b`, 'g');
  const toPage = (t: string) => t.replace(local(port + 1000), 'localhost:8233').replace(local(port), 'localhost:7233');
  const background = new Map<string, Command>();

  const fail = (step: Step, problem: string, { err }: Command): never => {
    const lines = err.trimEnd().split('\n').slice(-40);
    const tail = err.trim() ? `\n  Its standard error (last lines):\n${lines.map((l) => `    | ${l}`).join('\n')}` : '';
    const where = `The walkthrough does not do what the page says, at ${PAGE_FILE}:${step.line}: ${summary(step)}`;
    throw new UserError(`${where}\n  ${problem}${tail}`);
  };
  /** The first of the page's blocks that matches, if any (a step with none must print nothing). */
  const compare = (step: Step, out: string, prefix = false) =>
    (step.expect.length > 0 ? step.expect : ['']).map((e) => matchOutput(e, toPage(out), prefix)).find((m) => m.ok);
  const mismatch = (step: Step, out: string) => describeMismatch(step.expect[0] ?? '', toPage(out));

  try {
    for (const [index, step] of page.steps.entries()) {
      const stepStarted = Date.now();
      const [ms, seconds] = [step.timeoutSeconds * 1000, step.timeoutSeconds];
      log(`[${index + 1}/${page.steps.length}] ${PAGE_FILE}:${step.line} ${step.kind}: ${summary(step)}`);
      const command = step.kind === 'stop' ? background.get(step.name!)! : start(step.script, scratch, env);
      if (step.kind === 'background') {
        background.set(step.name!, command);
        // Complete lines only: the process may be in the middle of one.
        const printed = () => outputLines(command.out.slice(0, command.out.lastIndexOf('\n') + 1));
        const ready = () => compare(step, printed().join('\n'), true) !== undefined;
        // A block without `...` that the output does not match once it has as many lines never will.
        const astray = () =>
          step.expect.every((e) => !outputLines(e).includes('...') && outputLines(e).length <= printed().length);
        await until(() => ready() || astray() || command.code !== undefined, ms);
        const state = command.code === undefined ? 'still running' : `exited with ${command.code}`;
        if (!ready()) fail(step, `${state}, not what the page shows. ${mismatch(step, command.out)}`, command);
      } else {
        const mark = step.kind === 'stop' ? command.out.length : 0;
        if (step.kind === 'stop') interrupt(command);
        if (!(await until(() => command.code !== undefined, ms))) {
          await kill(command);
          fail(step, `did not ${step.kind === 'stop' ? 'stop after Ctrl-C' : 'end'} within ${seconds} s.`, command);
        }
        const out = command.out.slice(mark);
        const match = compare(step, out) ?? fail(step, mismatch(step, out), command);
        if (command.code !== step.exit) fail(step, `exited with ${command.code}; the page says ${step.exit}.`, command);
        for (const [name, placeholder] of Object.entries(step.capture)) {
          env[name] = match.values[placeholder]?.[0] ?? fail(step, `no <${placeholder}> for ${name}.`, command);
        }
      }
      log(`      ok (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await Promise.all([...background.values()].map(kill));
    if (!keep) {
      fs.rmSync(scratch, { recursive: true, force: true });
      scratches.delete(scratch);
    }
  }
  return { steps: page.steps.length, seconds: (Date.now() - started) / 1000, scratch };
}
