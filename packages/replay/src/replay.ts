import fs from 'node:fs';
import os from 'node:os';
import type { DataConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { explainNondeterminism, type Explanation } from './explain';
import { confirmExplanations } from './confirm';
import { replayInProcess, type Outcome } from './in-process';
import { commandsFromCompletions } from './recording-worker';
import { replayInShards, type ShardOutcome } from './shard-pool';
import { HistoryFileProblem, loadHistoryFile, type LoadedHistory } from './validate';

export type FailureKind = 'invalid-file' | 'unknown-workflow-type' | 'nondeterminism' | 'replay-error' | 'timeout';

export interface FileResult {
  /** The file path, or the name given to an in-memory history. */
  file: string;
  ok: boolean;
  kind?: FailureKind;
  /** Why it failed, in a sentence (for a non-determinism error, the SDK's message). */
  message?: string;
  /** For a non-determinism error: where and how the code and the history part ways, and the fix. */
  explanation?: Explanation;
  loaded?: LoadedHistory;
}

/** A history to replay: a file, or one already in memory (e.g. from the client's fetchHistory()). */
export type HistoryInput = string | { name: string; history: History };

export interface ReplayOptions {
  /** The workflow code to check: one bundle, built once (a file for shards; code works in-process only). */
  workflowBundle: { codePath: string } | { code: string };
  /** Workflow types the code defines; a history of another type is reported, not replayed. */
  workflowTypes: string[];
  /** Bound on each history's replay; default 10 s. */
  historyTimeoutMs?: number;
  /**
   * Replay processes: 'auto' (default) replays in this process for small corpora, and for large ones
   * in one child process per core but one, this process taking its share; a number forces that many
   * child processes (0: this process only).
   */
  processes?: number | 'auto';
  /**
   * Keep the SDK's per-call vm watchdog in child processes (default false: there, the per-history
   * deadline, enforced by killing the process, bounds runaway workflow code instead; see shard.ts).
   */
  vmWatchdog?: boolean;
  /** Explain non-determinism errors (default true), checking ambiguous guesses by replaying edited copies. */
  explain?: boolean;
  /** In sharded mode, let this process replay its share too (default true). */
  replayHere?: boolean;
  /**
   * For histories whose payloads are encrypted (BACKGROUNDCHECK_CODEC_KEY): the data converter with
   * the codec. Replays then run in this process (the shards load only the SDK).
   */
  dataConverter?: DataConverter;
  /** Called as each history's result is known (in no particular order). */
  onResult?: (result: FileResult) => void;
}

/**
 * Below this many histories, starting child processes (about 1 s each: Node, the SDK, the bundle)
 * costs more than it saves; measured with `pnpm bench:replay` (see the README).
 */
export const SHARD_THRESHOLD = 150;

export function chooseProcesses(count: number, processes: ReplayOptions['processes']): number {
  if (typeof processes === 'number') return Math.max(0, Math.floor(processes));
  // One child per core but one: this process replays its share too (see replayHere).
  return count >= SHARD_THRESHOLD ? Math.max(1, os.availableParallelism() - 1) : 0;
}

/**
 * A replay error other than non-determinism, in a sentence: the failure inside the SDK's wrapping,
 * and what to do for the known case of encrypted payloads.
 */
export function describeReplayError(message: string): string {
  const inner = /Failure \{ message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1]?.replace(/\\"/g, '"');
  if (!inner) return message;
  const hint = /binary\/encrypted/.test(inner)
    ? " The history's payloads are encrypted: set BACKGROUNDCHECK_CODEC_KEY to the key they were written with (see packages/codec)."
    : '';
  return `the workflow code failed while replaying: ${inner}.${hint}`;
}

function isDeterminismError(outcome: Outcome): boolean {
  return outcome.errorName === 'DeterminismViolationError' || /\[TMPRL1100\] Nondeterminism error/.test(outcome.message ?? '');
}

/**
 * The project's replay runner: checks every history first (a bad file is named with its problem and
 * the others still run), replays the rest against one bundle (in this process, or sharded across
 * child processes for large corpora), bounds every replay in time, and explains non-determinism.
 * Results come back in input order.
 */
export async function replayHistories(inputs: HistoryInput[], options: ReplayOptions): Promise<FileResult[]> {
  const historyTimeoutMs = options.historyTimeoutMs ?? 10_000;
  const results = new Map<number, FileResult>();
  const report = (index: number, result: FileResult) => {
    results.set(index, result);
    options.onResult?.(result);
  };
  const toReplay: { index: number; loaded: LoadedHistory }[] = [];
  const outcomes = new Map<number, Outcome>();
  const onOutcome = (i: number, outcome: Outcome | ShardOutcome) => {
    outcomes.set(toReplay[i]!.index, outcome);
    // Passes are reported at once; failures after their explanation.
    if (outcome.ok) report(toReplay[i]!.index, { file: toReplay[i]!.loaded.file, ok: true, loaded: toReplay[i]!.loaded });
  };
  const bundleCode = () => ('code' in options.workflowBundle ? options.workflowBundle.code : fs.readFileSync(options.workflowBundle.codePath, 'utf8'));

  // Shards start first (about 1 s each), while this process checks the files.
  const canShard = inputs.every((i) => typeof i === 'string') && !options.dataConverter && 'codePath' in options.workflowBundle;
  const processes = canShard ? chooseProcesses(inputs.length, options.processes) : 0;
  let checked: (files: string[]) => void = () => undefined;
  const sharded =
    processes > 0 && 'codePath' in options.workflowBundle
      ? replayInShards(new Promise<string[]>((resolve) => (checked = resolve)), {
          bundlePath: options.workflowBundle.codePath,
          processes,
          historyTimeoutMs,
          vmWatchdog: options.vmWatchdog,
          inProcessCode: options.replayHere === false ? undefined : bundleCode(),
          historyOf: (i) => toReplay[i]?.loaded.history,
          onOutcome,
        })
      : undefined;

  inputs.forEach((input, index) => {
    const name = typeof input === 'string' ? input : input.name;
    let loaded: LoadedHistory;
    try {
      loaded = typeof input === 'string' ? loadHistoryFile(input) : fromMemory(input.name, input.history);
    } catch (err) {
      if (!(err instanceof HistoryFileProblem)) throw err;
      report(index, { file: name, ok: false, kind: 'invalid-file', message: err.problem });
      return;
    }
    if (!options.workflowTypes.includes(loaded.workflowType)) {
      report(index, {
        file: name,
        ok: false,
        kind: 'unknown-workflow-type',
        loaded,
        message: `the history is of workflow type "${loaded.workflowType}", which the current workflow code does not define (it defines: ${options.workflowTypes.join(', ') || 'nothing'}). Removing or renaming a workflow type breaks its open executions: keep the old export, or move this file out of the corpus.`,
      });
      return;
    }
    toReplay.push({ index, loaded });
  });

  if (sharded) {
    checked(toReplay.map((t) => t.loaded.file));
    await sharded;
  } else if (toReplay.length > 0) {
    await replayInProcess(
      toReplay.map((t) => ({ workflowId: t.loaded.file, history: t.loaded.history })),
      bundleCode(),
      historyTimeoutMs,
      onOutcome,
      options.dataConverter,
    );
  }

  const failures: { index: number; loaded: LoadedHistory; outcome: Outcome }[] = [];
  for (const { index, loaded } of toReplay) {
    const outcome = outcomes.get(index) ?? { ok: false, message: 'the replay worker returned no result for this history.' };
    if (!outcome.ok) failures.push({ index, loaded, outcome });
  }
  const explained = new Map<number, Explanation>();
  if (options.explain !== false) {
    for (const f of failures) {
      if (isDeterminismError(f.outcome)) {
        explained.set(f.index, explainNondeterminism(f.loaded.history, f.outcome.message ?? '', f.outcome.completions ? commandsFromCompletions(f.outcome.completions) : undefined));
      }
    }
    const toConfirm = failures.filter((f) => (explained.get(f.index)?.alternatives.length ?? 0) > 0);
    if (toConfirm.length > 0) {
      const confirmed = await confirmExplanations(
        toConfirm.map((f) => ({ history: f.loaded.history, explanation: explained.get(f.index)! })),
        bundleCode(),
        historyTimeoutMs,
        options.dataConverter,
      );
      toConfirm.forEach((f, i) => explained.set(f.index, confirmed[i]!));
    }
  }
  for (const f of failures) {
    const kind: FailureKind = f.outcome.timedOut ? 'timeout' : isDeterminismError(f.outcome) ? 'nondeterminism' : 'replay-error';
    const message = kind === 'replay-error' && f.outcome.message ? describeReplayError(f.outcome.message) : f.outcome.message;
    report(f.index, { file: f.loaded.file, ok: false, kind, message, explanation: explained.get(f.index), loaded: f.loaded });
  }
  return inputs.map((input, index) => results.get(index) ?? { file: typeof input === 'string' ? input : input.name, ok: false, kind: 'replay-error', message: 'no result for this history.' });
}

/** Checks an in-memory history (e.g. from the client's fetchHistory()) the way files are checked. */
function fromMemory(name: string, history: History): LoadedHistory {
  if (!history?.events?.length) throw new HistoryFileProblem(name, 'the history has no events.');
  const workflowType = history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
  if (!workflowType) throw new HistoryFileProblem(name, 'the first event is not WorkflowExecutionStarted: the history must be whole, from the start.');
  return { file: name, workflowId: name, workflowType, history };
}

/** Replays history files: `replayHistories` for paths (kept for callers of the first version). */
export function replayFiles(files: string[], options: ReplayOptions): Promise<FileResult[]> {
  return replayHistories(files, options);
}
