// `pnpm start:worker --build-id ... --behavior auto-upgrade` on a real dev server: the worker polls as that
// version of the Worker Deployment, and the executions it runs record the version and the behavior.
import { spawnSync } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { NAMESPACE, SAMPLE_SSN, TASK_QUEUE } from '@background-check/common';
import { findTemporalCli, type DevServer } from '@background-check/servers';
import { killAllChildren, spawnTs, until, useDevServer, waitForExit } from '@background-check/test-support';

let server: DevServer;
let client: Client;
useDevServer('worker-versioning-flags', (s, c) => ((server = s), (client = c)));

test('the worker runs as deployment "checks", build a1, and its workflows are AUTO_UPGRADE', async () => {
  const env = { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE };
  const args = ['--build-id', 'a1', '--deployment', 'checks', '--behavior', 'auto-upgrade'];
  const worker = spawnTs('pnpm start:worker', 'packages/worker/src/main.ts', args, { env, detached: true });
  await worker.waitFor(/version checks:a1 \(AUTO_UPGRADE\)\. Ctrl-C to stop\./, 60_000);
  const cli = ['worker', 'deployment', 'set-current-version', '--deployment-name', 'checks', '--build-id', 'a1'];
  const current = spawnSync(
    findTemporalCli(),
    [...cli, '--allow-no-pollers', '--yes', '--address', server.address, '--namespace', NAMESPACE],
    { encoding: 'utf8', timeout: 30_000 },
  );
  expect(current.stdout).toContain('Successfully set the current worker deployment version');

  await client.workflow.start('BackgroundCheck', { taskQueue: TASK_QUEUE, workflowId: 'flags', args: [SAMPLE_SSN] });
  const task = await until('the first workflow task to complete', 60_000, async () => {
    const events = (await client.workflow.getHandle('flags').fetchHistory()).events ?? [];
    return (
      events.find((e) => e.workflowTaskCompletedEventAttributes)?.workflowTaskCompletedEventAttributes ?? undefined
    );
  });
  expect(task.deploymentVersion).toMatchObject({ deploymentName: 'checks', buildId: 'a1' });
  expect(task.versioningBehavior).toBe(2); // VERSIONING_BEHAVIOR_AUTO_UPGRADE

  worker.kill('SIGINT', true);
  expect((await waitForExit(worker, 30_000)).code).toBe(0);
  await killAllChildren();
}, 150_000);
