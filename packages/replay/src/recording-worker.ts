import { coresdk } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions, type ReplayResult } from '@temporalio/worker';
import { NativeWorker, type NativeWorkerLike } from '@temporalio/worker/lib/worker';
import type { History } from '@temporalio/common/lib/proto-utils';

export type WorkflowCommand = coresdk.workflow_commands.IWorkflowCommand;

/**
 * Completions the workflow code sent to Core, per run id, kept as the raw bytes: decoding costs
 * time, and only a failed replay needs them (to say what the code did where the history differs).
 */
const completionsByRun = new Map<string, Uint8Array[]>();

function readVarint(bytes: Uint8Array, at: { pos: number }): number {
  let value = 0;
  for (let shift = 0; shift < 35 && at.pos < bytes.length; shift += 7) {
    const byte = bytes[at.pos++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value;
  }
  return -1;
}

/** A completion's run id (field 1), read without decoding the rest; the SDK sends it length-delimited. */
function readRunId(bytes: Uint8Array): string | undefined {
  const at = { pos: 0 };
  readVarint(bytes, at); // the length prefix
  if (readVarint(bytes, at) !== ((1 << 3) | 2)) {
    return coresdk.workflow_completion.WorkflowActivationCompletion.decodeDelimited(bytes).runId || undefined;
  }
  const length = readVarint(bytes, at);
  return Buffer.from(bytes.buffer, bytes.byteOffset + at.pos, length).toString('utf8');
}

function recordingNativeWorker(inner: NativeWorkerLike): NativeWorkerLike {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'completeWorkflowActivation') {
        return (completion: Buffer) => {
          try {
            const runId = readRunId(completion);
            if (runId) {
              const list = completionsByRun.get(runId) ?? [];
              list.push(Uint8Array.from(completion));
              completionsByRun.set(runId, list);
            }
          } catch {
            // Recording is a nicety for explanations; never let it break a replay.
          }
          return target.completeWorkflowActivation(completion);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The SDK's replay worker, plus a record of the commands the workflow code produced. The SDK reports
 * a divergence only as Core's one-line message; the commands say exactly what the code did instead
 * (e.g. "started a 60 s timer"). Hooks the SDK's (protected) native worker factory, so it is pinned
 * to the SDK version in package.json; if the hook ever fails, replay still works, with plainer
 * explanations.
 */
class CommandRecordingWorker extends Worker {
  protected static override nativeWorkerCtor = {
    create: NativeWorker.create.bind(NativeWorker),
    async createReplay(...args: Parameters<typeof NativeWorker.createReplay>) {
      const handle = await NativeWorker.createReplay(...args);
      return { ...handle, worker: recordingNativeWorker(handle.worker) };
    },
  };
}

export interface RecordedReplayResult extends ReplayResult {
  /** The workflow code's activation completions during this replay (only for failures), as sent to Core. */
  completions?: Uint8Array[];
}

/** The commands in recorded completions, in order. */
export function commandsFromCompletions(completions: Uint8Array[]): WorkflowCommand[] {
  return completions.flatMap((bytes) => coresdk.workflow_completion.WorkflowActivationCompletion.decodeDelimited(bytes).successful?.commands ?? []);
}

function takeCompletions(runId: string, keep: boolean): Uint8Array[] | undefined {
  const raw = completionsByRun.get(runId);
  completionsByRun.delete(runId);
  return keep ? raw : undefined;
}

/**
 * `Worker.runReplayHistories` (one worker and one bundle for all histories, one at a time), with the
 * workflow code's completions attached to each failed result.
 */
export async function* replayHistoriesRecordingCommands(
  options: ReplayWorkerOptions,
  histories: AsyncIterable<{ workflowId: string; history: History }> | Iterable<{ workflowId: string; history: History }>,
): AsyncGenerator<RecordedReplayResult> {
  for await (const result of CommandRecordingWorker.runReplayHistories(options, histories)) {
    yield { ...result, completions: takeCompletions(result.runId, result.error !== undefined) };
  }
}
