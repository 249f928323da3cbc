import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { compiledModule } from './compile';
import { loadHistoryFile } from './load';
import { Replayer, judge, type HistoryInput, type ReplayOptions, type ReplayResult } from './replay';

export interface CheckOptions extends ReplayOptions {
  workflowBundle: { codePath: string }; // a file: child processes load it too
  dataConverter?: { payloadCodecs?: PayloadCodec[] }; // codecs run here, on each history, before any replay
  jobs?: number; // replay workers: 1 replays in this process; more run each in a child process of its own
  onResult?: (result: ReplayResult) => void; // each result, in input order, as soon as it and those before it are in
}

/** What goes to a child: the history as protobuf bytes (small, and copied once). */
export interface ChildRequest {
  seq: number;
  input: Omit<HistoryInput, 'loaded'> & {
    file?: string;
    problem?: string;
    workflowType?: string;
    history?: Uint8Array;
  };
}
export type ChildResponse = { seq: number; result: ReplayResult } | { seq: number; error: string };
export type ChildInit = Omit<ReplayOptions, 'dataConverter'>;

type Judge = { judge(input: HistoryInput): Promise<ReplayResult>; close(): Promise<void> };

function inProcess(options: ReplayOptions): Judge {
  const replayer = new Replayer(options);
  return { judge: (input) => judge(input, replayer, options), close: () => replayer.close() };
}

/** A replay worker in a child process of its own (compiled JavaScript: it starts in a fraction of a second). */
async function inChild(options: ChildInit): Promise<Judge> {
  // Plain node (no ts-node loader inherited from this process): the child is compiled JavaScript. It may collect
  // garbage when it renews its replay worker (see Replayer).
  const child = fork(await compiledModule('child'), [], {
    execArgv: ['--expose-gc'],
    serialization: 'advanced',
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  const pending = new Map<number, { resolve(r: ReplayResult): void; reject(e: Error): void }>();
  let seq = 0;
  child.on('message', (m: ChildResponse) => {
    const waiter = pending.get(m.seq);
    pending.delete(m.seq);
    if ('error' in m) waiter?.reject(new Error(m.error));
    else waiter?.resolve(m.result);
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`a replay worker exited (${signal ?? code})`));
    pending.clear();
  });
  child.send(options satisfies ChildInit);
  return {
    judge({ loaded, ...input }) {
      const encoded =
        'problem' in loaded || 'file' in loaded
          ? loaded
          : {
              workflowType: loaded.workflowType,
              history: temporal.api.history.v1.History.encode(loaded.history).finish(),
            };
      const request: ChildRequest = { seq: ++seq, input: { ...input, ...encoded } };
      return new Promise((resolve, reject) => {
        pending.set(request.seq, { resolve, reject });
        child.send(request);
      });
    },
    async close() {
      child.disconnect();
      const exited = once(child, 'exit');
      const bound = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited.finally(() => clearTimeout(bound));
    },
  };
}

/** A copy of the history with every payload decoded by the codecs, so that replay workers need none. */
async function decodePayloads(original: History, codecs: PayloadCodec[]): Promise<History> {
  const { History } = temporal.api.history.v1;
  const history = History.decode(History.encode(original).finish());
  const payloads: Payload[] = [];
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
    if ('metadata' in value && 'data' in value) payloads.push(value as Payload);
    else Object.values(value).forEach(walk);
  };
  walk(history);
  let decoded = payloads;
  for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
  payloads.forEach((payload, i) => Object.assign(payload, decoded[i]));
  return history;
}

/**
 * Checks histories as they come (files, or downloads still under way), with `jobs` replay workers, and gives the
 * results in input order, with the versioning verdict applied; histories are let go once judged, so memory holds
 * the window in flight, not the whole set. Results and explanations are the same whatever the number of jobs.
 */
export async function checkHistories(
  inputs: AsyncIterable<HistoryInput> | Iterable<HistoryInput>,
  options: CheckOptions,
): Promise<ReplayResult[]> {
  const { jobs = 1, onResult, dataConverter, ...init } = options;
  const codecs = dataConverter?.payloadCodecs ?? [];
  const judges: Judge[] = [];
  const done: ReplayResult[] = [];
  const waiting = new Map<number, ReplayResult>();
  let next = 0;
  const settle = (seq: number, result: ReplayResult) => {
    delete result.history;
    waiting.set(seq, result);
    for (let r = waiting.get(next); r; r = waiting.get(next)) {
      waiting.delete(next++);
      done.push(r);
      onResult?.(r);
    }
  };
  const source = (async function* () {
    let seq = 0;
    for await (const input of inputs) yield { seq: seq++, input };
  })();
  // Each loop takes the next history as soon as its worker is free; a child gets two, so it never waits on us.
  const loop = async (j: Judge) => {
    for (let item = await source.next(); !item.done; item = await source.next()) {
      const { seq, input } = item.value;
      // Codecs run here: a history goes out decoded (so a file is read here, not where it replays).
      let { loaded } = input;
      if (codecs.length > 0 && 'file' in loaded) loaded = loadHistoryFile(loaded.file);
      if (codecs.length > 0 && 'history' in loaded)
        loaded = { ...loaded, history: await decodePayloads(loaded.history, codecs) };
      settle(seq, await j.judge({ ...input, loaded }));
    }
  };
  try {
    if (jobs <= 1) judges.push(inProcess(init));
    else judges.push(...(await Promise.all(Array.from({ length: jobs }, () => inChild(init)))));
    const loops = judges.flatMap((j) => (jobs <= 1 ? [loop(j)] : [loop(j), loop(j)]));
    await Promise.all(loops);
  } finally {
    await Promise.all(judges.map((j) => j.close()));
  }
  return done;
}
