import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { replayHistoriesRecordingCommands, type RecordedReplayResult } from './recording-worker';
import type { FromShard, ToShard } from './shard';

export interface ShardOutcome {
  ok: boolean;
  errorName?: string;
  message?: string;
  /** The workflow code's completions during a failed replay (for the explanation). */
  completions?: Uint8Array[];
  timedOut?: boolean;
}

export interface ShardOptions {
  /** The one prebuilt workflow bundle every shard loads. */
  bundlePath: string;
  /** How many child processes; default: one per core. */
  processes: number;
  /** Bound on each history's replay; the shard is killed and replaced when one exceeds it. */
  historyTimeoutMs: number;
  /** Bound on a shard's start-up (Node, the SDK, the bundle); default 60 s. */
  startTimeoutMs?: number;
  /** Keep the SDK's per-call vm watchdog in shards (default: dropped, the deadline above bounds instead). */
  vmWatchdog?: boolean;
  onOutcome?: (index: number, outcome: ShardOutcome) => void;
  /**
   * Let this process replay too, with this bundle code, while the shards start (about 1 s each) and
   * after. Its replays keep the SDK's vm watchdog: nothing could stop runaway code here otherwise.
   */
  inProcessCode?: string;
  /** The parsed history of file `index`, when the caller has it already (saves parsing it again here). */
  historyOf?: (index: number) => History | undefined;
}

interface Shard {
  child: ChildProcess;
  ready: boolean;
  inFlight: number[];
  lastProgress: number;
  started: number;
  stderr: string;
  fatal?: string;
  gone: boolean;
}

/** The shard's own sources: it imports only these, Node built-ins and SDK packages. */
const SHARD_SOURCES = ['shard', 'recording-worker'];

/**
 * The shard entry as plain JavaScript. The project runs from TypeScript sources with ts-node, which
 * costs a shard ~0.25 s to load TypeScript itself; the shard's two files are transpiled once instead
 * (cached under dist/ by content) and run with plain Node. Falls back to ts-node if that fails.
 */
function shardEntry(): { file: string; execArgv: string[] } {
  const ext = path.extname(__filename);
  if (ext !== '.ts') return { file: path.join(__dirname, `shard${ext}`), execArgv: [] };
  const viaTsNode = { file: path.join(__dirname, 'shard.ts'), execArgv: ['-r', require.resolve('ts-node/register/transpile-only')] };
  try {
    const ts = require('typescript') as typeof import('typescript');
    const sources = SHARD_SOURCES.map((name) => ({ name, text: fs.readFileSync(path.join(__dirname, `${name}.ts`), 'utf8') }));
    for (const { text } of sources) {
      for (const [, spec] of text.matchAll(/from '(\.[^']*)'/g)) {
        if (!SHARD_SOURCES.includes(path.basename(spec!))) return viaTsNode;
      }
    }
    const hash = crypto.createHash('sha256').update(ts.version);
    for (const { name, text } of sources) hash.update(name).update(text);
    const parent = path.join(__dirname, '..', 'dist', 'shard');
    const dir = path.join(parent, hash.digest('hex').slice(0, 16));
    if (!fs.existsSync(path.join(dir, 'shard.js'))) {
      // Copies from earlier sources are stale: clear them (another run may still use one; it has it open).
      if (fs.existsSync(parent)) for (const old of fs.readdirSync(parent)) fs.rmSync(path.join(parent, old), { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      for (const { name, text } of sources) {
        const { outputText } = ts.transpileModule(text, {
          fileName: `${name}.ts`,
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        });
        // Write then rename: parallel runs may transpile at once.
        const tmp = path.join(dir, `${name}.js.${process.pid}.tmp`);
        fs.writeFileSync(tmp, outputText);
        fs.renameSync(tmp, path.join(dir, `${name}.js`));
      }
    }
    return { file: path.join(dir, 'shard.js'), execArgv: [] };
  } catch {
    return viaTsNode;
  }
}

let entry: { file: string; execArgv: string[] } | undefined;

function forkShard(): ChildProcess {
  entry ??= shardEntry();
  return fork(entry.file, [], {
    execArgv: entry.execArgv,
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.json') },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
}

/**
 * Replays history files in child processes, each with one replay worker and the same bundle. Work is
 * handed out in small batches as shards finish theirs, so a slow start or a slow history doesn't hold
 * the others back. Every history is bounded in time: a shard that stalls is killed, the history it
 * was on is reported as timed out, and a fresh shard takes over the rest.
 *
 * `files` may be a promise: the shards start at once (about 1 s each) while the caller still checks
 * the files.
 */
export function replayInShards(files: string[] | Promise<string[]>, options: ShardOptions): Promise<ShardOutcome[]> {
  let list: string[] | undefined;
  let outcomes: (ShardOutcome | undefined)[] = [];
  const queue: number[] = [];
  const participants = options.processes + (options.inProcessCode ? 1 : 0);
  // Batches shrink as the queue empties, so no shard sits on a backlog while the others idle.
  const batchSize = () => Math.max(1, Math.min(16, Math.floor(queue.length / (participants * 4))));
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let respawnBudget = options.processes * 2 + 2;
  let remaining = 0;
  const shards = new Set<Shard>();

  return new Promise<ShardOutcome[]>((resolve, reject) => {
    let finished = false;
    const settle = (index: number, outcome: ShardOutcome) => {
      if (outcomes[index]) return;
      outcomes[index] = outcome;
      remaining--;
      options.onOutcome?.(index, outcome);
      if (remaining === 0) finish();
    };

    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      for (const shard of shards) {
        if (!shard.gone && shard.child.connected) shard.child.send({ type: 'end' } satisfies ToShard);
        // A shard that doesn't leave promptly is stopped: nothing may outlive the run.
        setTimeout(() => shard.child.kill('SIGKILL'), 5_000).unref();
      }
      resolve(outcomes.map((o) => o ?? { ok: false, errorName: 'ReplayError', message: 'no replay process returned a result for this history.' }));
    };

    // Two batches in hand (at most), so a ready shard never waits for the next one.
    const feed = (shard: Shard) => {
      if (!list || shard.gone || !shard.ready) return;
      for (let batches = 0; batches < 2 && queue.length > 0 && shard.inFlight.length <= batchSize(); batches++) {
        const ids = queue.splice(0, batchSize());
        shard.inFlight.push(...ids);
        shard.child.send({ type: 'replay', items: ids.map((id) => ({ id, file: list![id]! })) } satisfies ToShard);
      }
    };

    const retire = (shard: Shard, why: (index: number) => ShardOutcome) => {
      if (shard.gone) return;
      shard.gone = true;
      shards.delete(shard);
      shard.child.kill('SIGKILL');
      const [current, ...rest] = shard.inFlight;
      shard.inFlight = [];
      queue.unshift(...rest);
      if (current !== undefined) settle(current, why(current));
      if (finished) return;
      if (queue.length > 0 || !list) {
        if (respawnBudget-- > 0) spawn();
        else if (shards.size === 0) {
          for (const i of queue.splice(0)) settle(i, { ok: false, errorName: 'ReplayError', message: 'not replayed: replay processes kept failing (see the errors above).' });
        }
      }
    };

    const spawn = () => {
      const child = forkShard();
      const shard: Shard = { child, ready: false, inFlight: [], lastProgress: Date.now(), started: Date.now(), stderr: '', gone: false };
      shards.add(shard);
      child.stderr?.on('data', (chunk: Buffer) => {
        shard.stderr = (shard.stderr + chunk.toString()).slice(-4000);
      });
      child.on('message', (message: FromShard) => {
        if (message.type === 'ready') {
          shard.ready = true;
          shard.lastProgress = Date.now();
          feed(shard);
        } else if (message.type === 'results') {
          shard.lastProgress = Date.now();
          const done = new Set(message.results.map((r) => r.id));
          shard.inFlight = shard.inFlight.filter((i) => !done.has(i));
          feed(shard);
          for (const r of message.results) settle(r.id, { ok: r.ok, errorName: r.errorName, message: r.message, completions: r.completions });
        } else if (message.type === 'fatal') {
          shard.fatal = message.message;
        }
      });
      child.on('error', (err) => {
        shard.fatal ??= err.message;
      });
      child.on('exit', (code, signal) => {
        if (finished || shard.gone) return;
        const detail = shard.fatal ?? shard.stderr.trim().split('\n').slice(-5).join('\n');
        retire(shard, () => ({ ok: false, errorName: 'ReplayError', message: `the replay process exited (${signal ?? `code ${code}`}) while replaying this history${detail ? `: ${detail}` : '.'}` }));
      });
      child.send({ type: 'init', bundlePath: options.bundlePath, vmWatchdog: options.vmWatchdog ?? false } satisfies ToShard);
    };

    const watchdog = setInterval(() => {
      const now = Date.now();
      for (const shard of [...shards]) {
        if (!shard.ready && now - shard.started > startTimeoutMs) {
          retire(shard, () => ({ ok: false, errorName: 'ReplayError', message: `a replay process did not start within ${startTimeoutMs / 1000} s.` }));
        } else if (shard.ready && shard.inFlight.length > 0 && now - shard.lastProgress > options.historyTimeoutMs) {
          retire(shard, () => ({ ok: false, timedOut: true, message: `replay did not finish within ${options.historyTimeoutMs / 1000} s (the replay process was stopped).` }));
        }
      }
    }, Math.min(250, options.historyTimeoutMs / 4));

    const start = (files: string[]) => {
      list = files;
      outcomes = new Array(files.length);
      remaining = files.length;
      queue.push(...files.map((_, i) => i));
      if (files.length === 0) return finish();
      for (const shard of shards) feed(shard);
      if (options.inProcessCode) void replayHere(options.inProcessCode, files, settle);
    };

    for (let i = 0; i < options.processes; i++) spawn();
    if (Array.isArray(files)) start(files);
    else {
      files.then(start, (err) => {
        finish();
        reject(err);
      });
    }
  });

  /** This process's share: one history at a time from the same queue, bounded like the others. */
  async function replayHere(code: string, files: string[], settle: (index: number, outcome: ShardOutcome) => void): Promise<void> {
    let current = -1;
    async function* pull() {
      while (queue.length > 0) {
        current = queue.shift()!;
        const history = options.historyOf?.(current) ?? historyFromJSON(JSON.parse(fs.readFileSync(files[current]!, 'utf8')));
        yield { workflowId: String(current), history };
      }
      current = -1;
    }
    const iterator = replayHistoriesRecordingCommands({ workflowBundle: { code }, replayName: 'replay-here' }, pull())[Symbol.asyncIterator]();
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.historyTimeoutMs);
      });
      let step: IteratorResult<RecordedReplayResult> | 'timeout';
      try {
        step = await Promise.race([iterator.next(), deadline]).finally(() => clearTimeout(timer));
      } catch (err) {
        // A broken file or worker here: report it, leave the rest to the shards.
        if (current >= 0) settle(current, { ok: false, errorName: 'ReplayError', message: (err as Error).message });
        return;
      }
      if (step === 'timeout') {
        // This replay cannot be stopped; report it and leave the rest to the shards.
        if (current >= 0) settle(current, { ok: false, timedOut: true, message: `replay did not finish within ${options.historyTimeoutMs / 1000} s.` });
        return;
      }
      if (step.done) return;
      const { workflowId, error, completions } = step.value;
      settle(Number(workflowId), error ? { ok: false, errorName: error.name, message: error.message, completions } : { ok: true });
    }
  }
}
