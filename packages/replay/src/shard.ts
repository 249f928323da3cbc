// A replay shard: a child process with one replay worker on the one prebuilt bundle, replaying the
// history files its parent (shard-pool.ts) sends, in order, and reporting each result as it comes.
// The parent bounds every history in time and kills this process if one hangs.
import fs from 'node:fs';
import vm from 'node:vm';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { replayHistoriesRecordingCommands } from './recording-worker';

export type ToShard =
  | { type: 'init'; bundlePath: string; vmWatchdog: boolean }
  | { type: 'replay'; items: { id: number; file: string }[] }
  | { type: 'end' };

export interface ShardResult {
  id: number;
  ok: boolean;
  errorName?: string;
  message?: string;
  completions?: Uint8Array[];
}

export type FromShard = { type: 'ready' } | { type: 'results'; results: ShardResult[] } | { type: 'fatal'; message: string };

function send(message: FromShard): void {
  process.send?.(message);
}

/**
 * Results go to the parent in small groups: one IPC message per history costs more than the replay
 * of a short history saves. A group leaves when it is full, after a few milliseconds, or when the
 * shard runs out of work.
 */
class Outbox {
  private pending: ShardResult[] = [];
  private timer?: NodeJS.Timeout;

  add(result: ShardResult): void {
    this.pending.push(result);
    if (this.pending.length >= 16) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 5);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    send({ type: 'results', results: this.pending });
    this.pending = [];
  }
}

const outbox = new Outbox();

/**
 * The SDK runs workflow code through `vm` with a `timeout`, and Node implements that with a watchdog
 * thread per call: ~0.1-0.3 ms each, nine calls per short history, about a third of a replay's time.
 * In a shard the parent's per-history deadline (it kills the process) bounds runaway workflow code
 * instead, so the per-call watchdog can go.
 */
function dropVmWatchdog(): void {
  const runInContext = vm.Script.prototype.runInContext;
  vm.Script.prototype.runInContext = function (this: vm.Script, context: vm.Context, options?: vm.RunningScriptOptions) {
    return runInContext.call(this, context, options?.timeout !== undefined ? { ...options, timeout: undefined } : options);
  };
}

/** Items arrive in batches; the replay worker pulls them one by one, waiting when it runs dry. */
class Inbox {
  private items: { id: number; file: string }[] = [];
  private ended = false;
  private wake?: () => void;

  push(items: { id: number; file: string }[]): void {
    this.items.push(...items);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *histories(): AsyncGenerator<{ workflowId: string; history: History }> {
    for (;;) {
      const item = this.items.shift();
      if (!item) {
        outbox.flush();
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      let history: History;
      try {
        history = historyFromJSON(JSON.parse(fs.readFileSync(item.file, 'utf8')));
      } catch (err) {
        // The parent checked the file already; report, don't stop the shard.
        outbox.add({ id: item.id, ok: false, errorName: 'ReplayError', message: `cannot read the history: ${(err as Error).message}` });
        continue;
      }
      yield { workflowId: String(item.id), history };
    }
  }
}

async function main(): Promise<void> {
  const inbox = new Inbox();
  let bundlePath: string | undefined;
  let initialised: () => void;
  const init = new Promise<void>((resolve) => (initialised = resolve));
  process.on('message', (message: ToShard) => {
    if (message.type === 'init') {
      bundlePath = message.bundlePath;
      if (!message.vmWatchdog) dropVmWatchdog();
      initialised();
    } else if (message.type === 'replay') {
      inbox.push(message.items);
    } else if (message.type === 'end') {
      inbox.end();
    }
  });
  // The parent is gone: nothing to report to.
  process.on('disconnect', () => process.exit(0));
  await init;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    shutdownSignals: [],
  });
  const code = fs.readFileSync(bundlePath!, 'utf8');
  send({ type: 'ready' });
  // The item id doubles as the replay's workflow id, so each result maps back to its file.
  for await (const result of replayHistoriesRecordingCommands({ workflowBundle: { code }, replayName: 'replay-shard' }, inbox.histories())) {
    const id = Number(result.workflowId);
    outbox.add(result.error ? { id, ok: false, errorName: result.error.name, message: result.error.message, completions: result.completions } : { id, ok: true });
  }
  outbox.flush();
}

main().then(
  () => process.exit(0),
  (err) => {
    // Exit once the message is out: a plain exit may drop it.
    const message: FromShard = { type: 'fatal', message: (err as Error)?.stack ?? String(err) };
    if (process.send) process.send(message, undefined, {}, () => process.exit(1));
    else process.exit(1);
  },
);
