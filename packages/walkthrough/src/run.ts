import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describeMismatch, matchOutput, type MatchResult } from './expect';
import { readPage, type Step } from './page';
import { createScratch } from './scratch';
import { interrupt, killTree, runShell, startShell, type ShellProcess } from './shell';

/** The addresses the page shows; the check runs on free ports and maps its own back to these. */
export const PAGE_ADDRESS = 'localhost:7233';
export const PAGE_UI_ADDRESS = 'localhost:8233';

export interface WalkthroughOptions {
  /** The repository to copy (its working tree, uncommitted changes included). */
  source: string;
  /** Default: docs/walkthrough.md in the source. */
  pagePath?: string;
  /** Keep the scratch copy afterwards, for a look at what happened. */
  keep?: boolean;
  log?: (line: string) => void;
}

export interface StepReport {
  line: number;
  kind: Step['kind'];
  summary: string;
  seconds: number;
}

export interface WalkthroughReport {
  steps: StepReport[];
  seconds: number;
  scratch: string;
}

/** The page and what the commands did disagree (or a command could not run as the page says). */
export class WalkthroughMismatch extends Error {
  override name = 'WalkthroughMismatch';
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The lowest port the kernel hands out to outgoing connections (Linux default 32768). */
function ephemeralLow(): number {
  try {
    const low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * A free port p whose p + 1000 is free too: `pnpm server` puts the Web UI there. Both below the
 * ephemeral range, so that no outgoing connection takes one of them between this check and the
 * server's start; never 7233/8233, which a reader's own server may use.
 */
export async function freeServerPort(): Promise<number> {
  const high = ephemeralLow() - 1001;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (high - 10_000));
    if ((await canBind(port)) && (await canBind(port + 1000))) return port;
  }
  throw new Error('Found no free port p with p + 1000 free as well (for the dev server and its Web UI).');
}

/** The pnpm that runs us (or the one on PATH, or the project's own copy), as a folder to put on PATH. */
function pnpmDir(source: string): string {
  const candidates: string[] = [];
  const execpath = process.env.npm_execpath;
  if (execpath && /^pnpm(\.exe)?$/.test(path.basename(execpath))) candidates.push(execpath);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'pnpm'));
  candidates.push(path.join(source, '.tools', 'pnpm', 'node_modules', '.bin', 'pnpm'));
  const found = candidates.find((c) => {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) throw new Error('pnpm is not on PATH (nor in .tools/pnpm): the walkthrough runs `pnpm ...` commands. Run it through `pnpm walkthrough`, or install pnpm first.');
  return path.dirname(found);
}

/** The reader's environment: no settings of ours leak in, except where the server is. */
function commandEnv(source: string, scratch: string, address: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|TEMPORAL_|BACKGROUNDCHECK_)/i.test(key) || ['INIT_CWD', 'JEST_WORKER_ID', 'NODE_OPTIONS', 'NODE_ENV'].includes(key)) continue;
    env[key] = value;
  }
  env.PATH = [pnpmDir(source), env.PATH].filter(Boolean).join(path.delimiter);
  env.TEMPORAL_ADDRESS = address;
  // The copy shares the installed packages: pnpm must never try to install into them.
  env.pnpm_config_verify_deps_before_run = 'false';
  // `git apply` in the copy must not find an enclosing repository.
  env.GIT_CEILING_DIRECTORIES = path.dirname(scratch);
  return env;
}

function firstLine(script: string): string {
  const line = script.split('\n').find((l) => l.trim() && !l.trim().startsWith('#')) ?? script;
  return line.length > 90 ? `${line.slice(0, 87)}...` : line;
}

/** Complete lines only: a background process may be in the middle of printing one. */
function completeLines(text: string): string {
  return text.slice(0, text.lastIndexOf('\n') + 1);
}

export async function runWalkthrough(options: WalkthroughOptions): Promise<WalkthroughReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const pagePath = options.pagePath ?? path.join(options.source, 'docs', 'walkthrough.md');
  const pageName = path.relative(options.source, pagePath) || pagePath;
  const page = readPage(pagePath);
  const started = Date.now();

  const scratch = createScratch(options.source);
  log(`Scratch copy of ${options.source}: ${scratch.root}`);
  const port = await freeServerPort();
  const address = `localhost:${port}`;
  const env = commandEnv(options.source, scratch.root, address);
  const toPage = (text: string) =>
    text
      .replace(new RegExp(`(localhost|127\\.0\\.0\\.1):${port + 1000}\\b`, 'g'), PAGE_UI_ADDRESS)
      .replace(new RegExp(`(localhost|127\\.0\\.0\\.1):${port}\\b`, 'g'), PAGE_ADDRESS);
  const background = new Map<string, ShellProcess>();
  const reports: StepReport[] = [];
  // Every step's output, kept with the scratch copy (--keep) for a look afterwards.
  const transcript: string[] = [];
  const record = (step: Step, stdout: string, stderr = '') =>
    transcript.push(`=== ${pageName}:${step.line} ${step.kind}${step.name ? ` ${step.name}` : ''}\n${step.script}\n--- stdout\n${toPage(stdout)}\n--- stderr\n${stderr}\n`);

  const fail = (step: Step, problem: string, output?: { stdout: string; stderr: string }): never => {
    const tail = (t: string) => t.trimEnd().split('\n').slice(-40).join('\n');
    const extra = output?.stderr.trim() ? `\n  Its standard error (last lines):\n${tail(output.stderr).replace(/^/gm, '    | ')}` : '';
    throw new WalkthroughMismatch(`${pageName}:${step.line}: ${firstLine(step.script)}\n  ${problem}${extra}`);
  };
  /** The first alternative that matches, or the failure of the first one. */
  const compare = (step: Step, stdout: string, prefix: boolean): MatchResult & { text: string } => {
    const alternatives = step.expect.length > 0 ? step.expect.map((e) => e.text) : [''];
    const results = alternatives.map((text) => ({ ...matchOutput(text, toPage(stdout), { prefix }), text }));
    const ok = results.find((r) => r.ok);
    if (ok) return ok;
    // Final only when no alternative can match any more.
    return { ...results[0]!, final: results.every((r) => r.final) };
  };

  try {
    // As after `pnpm install`: the workflow bundle matches the code (copied, or built here).
    const prepared = await runShell('node_modules/.bin/ts-node packages/worker/src/build-bundle.ts', { cwd: scratch.root, env, timeoutMs: 120_000 });
    if (prepared.code !== 0) throw new WalkthroughMismatch(`Could not prepare the scratch copy's workflow bundle (exit ${prepared.code}):\n${prepared.stdout}${prepared.stderr}`);

    for (const [index, step] of page.steps.entries()) {
      const stepStarted = Date.now();
      const timeoutMs = step.timeoutSeconds * 1000;
      log(`[${index + 1}/${page.steps.length}] ${pageName}:${step.line} ${step.kind}${step.name ? ` ${step.name}` : ''}: ${firstLine(step.script)}`);
      if (step.kind === 'run') {
        const result = await runShell(step.script, { cwd: scratch.root, env, timeoutMs });
        record(step, result.stdout, result.stderr);
        if (result.code === 'timeout') fail(step, `did not finish within ${step.timeoutSeconds} s (the page's bound for this step).`, result);
        const match = compare(step, result.stdout, false);
        if (!match.ok) {
          const said = step.expect.length > 0 ? describeMismatch(match.text, toPage(result.stdout), match) : `The page shows no output for it, but it printed:\n${toPage(result.stdout).replace(/^/gm, '    | ')}`;
          fail(step, said, result);
        }
        if (result.code !== step.exit) fail(step, `exited with ${result.code}; the page says ${step.exit}.`, result);
        for (const [name, placeholder] of Object.entries(step.capture)) {
          const value = match.values[placeholder]?.[0];
          if (!value) fail(step, `capture ${name}: the output has no <${placeholder}>.`, result);
          env[name] = value;
        }
      } else if (step.kind === 'background') {
        if (step.expect.length === 0) fail(step, 'a background step needs an expect block: the output that shows it is ready.');
        const proc = startShell(step.script, { cwd: scratch.root, env });
        background.set(step.name!, proc);
        try {
          void proc.exited.then(() => record(step, proc.stdout(), proc.stderr()));
          await proc.waitFor(
            (out) => {
              const match = compare(step, completeLines(out), true);
              return match.ok ? 'ok' : match.final ? 'fail' : 'wait';
            },
            timeoutMs,
            'the output the page shows',
          );
        } catch (err) {
          const match = compare(step, completeLines(proc.stdout()), true);
          fail(step, `${(err as Error).message}.\n  ${describeMismatch(match.text, toPage(proc.stdout()), match)}`, { stdout: proc.stdout(), stderr: proc.stderr() });
        }
      } else {
        const proc = background.get(step.name!)!;
        const mark = proc.stdout().length;
        interrupt(proc);
        let timer: NodeJS.Timeout | undefined;
        const code = await Promise.race([proc.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
        clearTimeout(timer);
        background.delete(step.name!);
        if (code === 'timeout') {
          await killTree(proc);
          fail(step, `${step.name} did not stop within ${step.timeoutSeconds} s of Ctrl-C.`, { stdout: proc.stdout(), stderr: proc.stderr() });
        }
        const after = proc.stdout().slice(mark);
        const match = compare(step, after, false);
        if (!match.ok) fail(step, describeMismatch(match.text, toPage(after), match), { stdout: after, stderr: proc.stderr() });
        if (code !== 0) fail(step, `${step.name} exited with ${code} after Ctrl-C; the page implies a clean stop (0).`, { stdout: after, stderr: proc.stderr() });
      }
      const seconds = (Date.now() - stepStarted) / 1000;
      reports.push({ line: step.line, kind: step.kind, summary: firstLine(step.script), seconds });
      log(`      ok (${seconds.toFixed(1)} s)`);
    }
  } finally {
    for (const proc of background.values()) await killTree(proc);
    if (options.keep) fs.writeFileSync(path.join(scratch.root, 'walkthrough-transcript.txt'), transcript.join('\n'));
    else scratch.remove();
  }
  return { steps: reports, seconds: (Date.now() - started) / 1000, scratch: scratch.root };
}

