// `pnpm start:worker`: the worker, until Ctrl-C (SIGINT) or SIGTERM; with --build-id, as a version of a
// Worker Deployment (Worker Versioning).
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import { DEPLOYMENT_NAME, TASK_QUEUE, UserError, parseCommandArgs, runCommand } from '@background-check/common';
import { connectWorker, installRuntime, loadTemporalConfig } from '@background-check/connection';
import { createWorker, workerBundle } from './worker';

const USAGE = `Usage: pnpm start:worker [--build-id ID [--deployment NAME] [--behavior pinned|auto-upgrade]]
  Runs the BackgroundCheck worker on task queue "${TASK_QUEUE}" until Ctrl-C.
  Without --build-id the worker is unversioned. With it, the worker is version ID of the Worker
  Deployment NAME (default ${DEPLOYMENT_NAME}), and its workflows are PINNED (default) or AUTO_UPGRADE.
  The same as BACKGROUNDCHECK_BUILD_ID, BACKGROUNDCHECK_DEPLOYMENT and BACKGROUNDCHECK_BEHAVIOR.`;

function deploymentOptions(argv: string[], env = process.env): WorkerDeploymentOptions | undefined {
  const { values } = parseCommandArgs(
    argv,
    { 'build-id': { type: 'string' }, deployment: { type: 'string' }, behavior: { type: 'string' } },
    USAGE,
  );
  const buildId = values['build-id'] ?? env.BACKGROUNDCHECK_BUILD_ID;
  const deploymentName = values.deployment ?? env.BACKGROUNDCHECK_DEPLOYMENT ?? DEPLOYMENT_NAME;
  const behavior = (values.behavior ?? env.BACKGROUNDCHECK_BEHAVIOR ?? 'pinned').toUpperCase().replace('-', '_');
  if (behavior !== 'PINNED' && behavior !== 'AUTO_UPGRADE') {
    throw new UserError(
      `--behavior takes pinned or auto-upgrade, not "${values.behavior ?? env.BACKGROUNDCHECK_BEHAVIOR}".`,
      2,
    );
  }
  if (!buildId) {
    if (values.deployment || values.behavior) throw new UserError('--deployment and --behavior need --build-id.', 2);
    return undefined;
  }
  return { version: { deploymentName, buildId }, useWorkerVersioning: true, defaultVersioningBehavior: behavior };
}

runCommand(async () => {
  const workerDeploymentOptions = deploymentOptions(process.argv.slice(2));
  installRuntime();
  const config = loadTemporalConfig();
  const workflowBundle = await workerBundle(console.log);
  const connection = await connectWorker(config);
  const worker = await createWorker({
    connection,
    namespace: config.namespace,
    workflowBundle,
    workerDeploymentOptions,
  });

  let stopping = false;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  function onSignal(signal: NodeJS.Signals) {
    if (stopping) process.exit(130); // a second Ctrl-C: leave now
    stopping = true;
    console.log(`Received ${signal}: shutting down (in-flight tasks finish or are handed back)...`);
    worker.shutdown();
    // Never hang: if shutdown stalls, leave anyway.
    setTimeout(() => (console.error('Worker did not stop within 20 s; exiting.'), process.exit(1)), 20_000).unref();
  }

  const { version, defaultVersioningBehavior } = workerDeploymentOptions ?? {};
  const as = version ? `, version ${version.deploymentName}:${version.buildId} (${defaultVersioningBehavior})` : '';
  console.log(
    `Worker started: task queue "${TASK_QUEUE}", namespace "${config.namespace}", server ${config.address}${as}. Ctrl-C to stop.`,
  );
  await worker.run();
  await connection.close();
  console.log('Worker stopped.');
}, USAGE);
