import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import * as activities from '@background-check/activities';
import { dataConverterFromEnv } from '@background-check/codec';
import { TASK_QUEUE } from '@background-check/common';
import { prebuiltBundle } from '@background-check/replay/src/bundle'; // the bundle cache alone: a quick start

/** The workflow package's entry point: every export is a workflow type. */
export const WORKFLOWS_PATH = require.resolve('@background-check/workflows');

/** The worker's bundle of the workflows, on disk and rebuilt when anything in it changed (see prebuiltBundle). */
export const workerBundle = (log?: (line: string) => void, force = false) =>
  prebuiltBundle({ workflowsPath: WORKFLOWS_PATH, force }, log);

export interface BackgroundCheckWorkerOptions extends Partial<Omit<WorkerOptions, 'connection' | 'namespace'>> {
  connection: NativeConnection;
  namespace: string;
}

/**
 * The Background Check worker: the workflow from the prebuilt bundle and the SSN-trace activity on the
 * shared task queue. Any WorkerOptions (other activities in tests, deployment options) can be overridden.
 */
export async function createWorker({
  connection,
  namespace,
  ...overrides
}: BackgroundCheckWorkerOptions): Promise<Worker> {
  const code = overrides.workflowsPath || overrides.workflowBundle ? {} : { workflowBundle: await workerBundle() };
  return await Worker.create({
    connection,
    namespace,
    taskQueue: TASK_QUEUE,
    activities,
    ...code,
    // Payload encryption when BACKGROUNDCHECK_CODEC_KEY is set; off (readable payloads) by default.
    dataConverter: dataConverterFromEnv(),
    // Give an in-flight activity time to finish on Ctrl-C before its task is handed back.
    shutdownGraceTime: '10s',
    ...overrides,
  });
}
