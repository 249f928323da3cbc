// `pnpm start:cluster` as a user runs it, then the chapter's flow on it: worker, starter, the saved
// history and `pnpm test:replay --server`, all through TEMPORAL_ADDRESS; then Ctrl-C stops every process.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { NAMESPACE, WORKFLOW_ID } from '@background-check/common';
import { findTemporalCli } from '@background-check/servers';
import {
  expectExit,
  groupAlive,
  killAllChildren,
  pidAlive,
  spawnTs,
  tempDir,
  type Child,
} from '@background-check/test-support';
import { clusterPort } from '../src';
import { psql } from './cluster-suite';

const CLI = 'packages/cluster/src/cluster-cli.ts';
let env: NodeJS.ProcessEnv;
let cluster: Child;

beforeAll(async () => {
  const state = tempDir('start-cluster');
  fs.chmodSync(state, 0o755); // PostgreSQL's own user (tests run as root here) must reach its data
  env = {
    TEMPORAL_ADDRESS: `localhost:${await clusterPort()}`,
    TEMPORAL_NAMESPACE: NAMESPACE,
    BACKGROUNDCHECK_STATE_DIR: state,
  };
});
afterAll(async () => {
  await killAllChildren();
  fs.rmSync(env.BACKGROUNDCHECK_STATE_DIR!, { recursive: true, force: true });
}, 60_000);

test('pnpm start:cluster starts four services and PostgreSQL, with the namespace, on TEMPORAL_ADDRESS', async () => {
  cluster = spawnTs('start:cluster', CLI, [], { env, detached: true });
  await cluster.waitFor(/Ctrl-C to stop/, 180_000);
  expect(cluster.output()).toContain(`Temporal cluster ready at ${env.TEMPORAL_ADDRESS}, namespace "${NAMESPACE}".`);
  const pids = [...cluster.output().matchAll(/(frontend|history|matching|worker|PostgreSQL) (\d+)/g)].map((m) =>
    Number(m[2]),
  );
  expect(new Set(pids).size).toBe(5);
  for (const pid of pids) expect(pidAlive(pid)).toBe(true);

  // A second one on the same address is refused plainly.
  const second = spawnTs('second start:cluster', CLI, [], { env });
  await expectExit(second, 1, 60_000);
  expect(second.output()).toMatch(/Port \d+ is already in use/);
});

test("the chapter's flow on the cluster: worker, start:workflow, the saved history and test:replay --server", async () => {
  const worker = spawnTs('worker', 'packages/worker/src/main.ts', [], { env });
  await worker.waitFor(/Worker started/, 90_000);
  const starter = spawnTs('starter', 'packages/starter/src/start-workflow.ts', [], { env });
  await expectExit(starter, 0, 150_000); // up to 60 s of durable sleep
  expect(starter.output()).toContain('Result: "pass"');

  // The execution is in PostgreSQL's visibility table, completed (status 2).
  const port = Number(/on 127\.0\.0\.1:(\d+)/.exec(cluster.output())![1]);
  const query = `SELECT status FROM executions_visibility WHERE workflow_id = '${WORKFLOW_ID}'`;
  expect(psql(port, 'temporal_visibility', query)).toBe('2');

  // The chapter's retrieval step, then the replay test on that file and on the server's executions.
  const { stdout } = await promisify(execFile)(findTemporalCli(), [
    ...['workflow', 'show', '--workflow-id', WORKFLOW_ID, '--namespace', NAMESPACE],
    ...['--address', env.TEMPORAL_ADDRESS!, '--output', 'json'],
  ]);
  const file = path.join(env.BACKGROUNDCHECK_STATE_DIR!, 'backgroundcheck_workflow_history.json');
  fs.writeFileSync(file, stdout);
  const replay = spawnTs('test:replay', 'packages/replay/src/cli.ts', [file, '--server', '--format', 'json'], { env });
  await expectExit(replay, 0, 120_000);
  const report = JSON.parse(replay.stdout()) as { verdicts: Record<string, string> };
  expect(report.verdicts).toEqual({ BackgroundCheck: 'safe' });
  worker.kill('SIGINT');
  await expectExit(worker, 0, 30_000);
}, 300_000);

test('Ctrl-C stops the cluster: exit 0, no process left', async () => {
  const pids = [...cluster.output().matchAll(/(frontend|history|matching|worker|PostgreSQL) (\d+)/g)].map((m) =>
    Number(m[2]),
  );
  cluster.kill('SIGINT', true);
  await expectExit(cluster, 0, 60_000);
  expect(cluster.output()).toContain('Cluster stopped.');
  expect(cluster.output()).not.toMatch(/\n\s+at .*\(/);
  expect(groupAlive(cluster.pid)).toBe(false);
  for (const pid of pids) expect(pidAlive(pid)).toBe(false);
}, 90_000);
