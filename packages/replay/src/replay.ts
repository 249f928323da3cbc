import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { HistoryFileProblem, loadHistoryFile, type LoadedHistory } from './validate';

export interface FileResult {
  file: string;
  ok: boolean;
  /** Why it failed: a file problem, a replay error from the SDK, or the time bound. */
  kind?: 'invalid-file' | 'unknown-workflow-type' | 'nondeterminism' | 'replay-error' | 'timeout';
  message?: string;
  /** The SDK's own error, kept for the explanation and for the curious. */
  error?: Error;
  loaded?: LoadedHistory;
}

export interface ReplayOptions {
  /** The workflow code to check: a prebuilt bundle (fast) ... */
  workflowBundle?: WorkflowBundleOption;
  /** ... or a module path to bundle now. */
  workflowsPath?: string;
  /** Workflow types the code defines; a history of another type is reported, not replayed. */
  workflowTypes: string[];
  /** Bound on the whole batch of replays; default 60 s plus 2 s per history. */
  timeoutMs?: number;
}

/**
 * Replays each file against the workflow code with one replay worker and one bundle
 * (`Worker.runReplayHistories`). Every file gets a result; bad files don't stop the others.
 */
export async function replayFiles(files: string[], options: ReplayOptions): Promise<FileResult[]> {
  const results = new Map<string, FileResult>();
  const toReplay: LoadedHistory[] = [];
  for (const file of files) {
    try {
      const loaded = loadHistoryFile(file);
      if (!options.workflowTypes.includes(loaded.workflowType)) {
        results.set(file, {
          file,
          ok: false,
          kind: 'unknown-workflow-type',
          loaded,
          message: `the history is of workflow type "${loaded.workflowType}", which the current workflow code does not define (it defines: ${options.workflowTypes.join(', ')}). Removing or renaming a workflow type breaks its open executions: keep the old export, or move this file out of the corpus.`,
        });
      } else {
        toReplay.push(loaded);
      }
    } catch (err) {
      if (!(err instanceof HistoryFileProblem)) throw err;
      results.set(file, { file, ok: false, kind: 'invalid-file', message: err.problem });
    }
  }

  if (toReplay.length > 0) {
    const byKey = new Map(toReplay.map((h) => [h.file, h]));
    const timeoutMs = options.timeoutMs ?? 60_000 + 2_000 * toReplay.length;
    const code = options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: options.workflowsPath };
    // The file path doubles as the replay's workflow id, so each result maps back to its file.
    const iterator = Worker.runReplayHistories(
      { ...code, replayName: 'background-check-replay' },
      toReplay.map((h) => ({ workflowId: h.file, history: h.history })),
    )[Symbol.asyncIterator]();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
      });
      const next = await Promise.race([iterator.next(), timeout]).finally(() => clearTimeout(timer));
      if (next === 'timeout') {
        for (const h of toReplay) {
          if (!results.has(h.file)) {
            results.set(h.file, { file: h.file, ok: false, kind: 'timeout', loaded: h, message: `replay did not finish within ${timeoutMs / 1000} s.` });
          }
        }
        void iterator.return?.();
        break;
      }
      if (next.done) break;
      const { workflowId, error } = next.value;
      const loaded = byKey.get(workflowId);
      if (!error) {
        results.set(workflowId, { file: workflowId, ok: true, loaded });
      } else {
        const kind = error.name === 'DeterminismViolationError' ? 'nondeterminism' : 'replay-error';
        results.set(workflowId, { file: workflowId, ok: false, kind, loaded, error, message: error.message });
      }
    }
  }
  return files.map((file) => results.get(file) ?? { file, ok: false, kind: 'replay-error', message: 'the replay worker returned no result for this history.' });
}
