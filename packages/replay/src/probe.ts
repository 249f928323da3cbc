import { Worker, type WorkflowBundle } from '@temporalio/worker';
import type { History } from '@temporalio/common/lib/proto-utils';

export interface Draw {
  /** The number the current code's `Math.floor(Math.random() * 100) + 1` gives for this execution. */
  randomNumber: number;
  /** The workflow clock (`Date.now()` in workflow code) at the first workflow task. */
  now: number;
}

/**
 * Replays histories against the draw-probe variant (bundle it with `bundleVariant('draw-probe')`)
 * and returns, per workflow id, the number the current code draws for that execution. The
 * workflow's random generator is seeded from the history, so this is the same number the
 * original execution drew: it tells which side of the random gate an execution took.
 */
export async function probeDraws(probeBundle: WorkflowBundle, histories: { workflowId: string; history: History }[]): Promise<Map<string, Draw>> {
  const draws = new Map<string, Draw>();
  const replays = Worker.runReplayHistories(
    {
      workflowBundle: probeBundle,
      replayName: 'draw-probe',
      sinks: {
        probe: {
          draw: {
            fn: (info, randomNumber: number, now: number) => {
              if (!draws.has(info.workflowId)) draws.set(info.workflowId, { randomNumber, now });
            },
            callDuringReplay: true,
          },
        },
      },
    },
    histories,
  );
  // The probe's own pass/fail doesn't matter (histories with a timer don't fit version 0); the draw does.
  for await (const _result of replays) void _result;
  return draws;
}
