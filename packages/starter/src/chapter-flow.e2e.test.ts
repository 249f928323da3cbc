// The chapter's commands in order, against the real dev server: server, worker, starter,
// `temporal workflow show --output json`, replay of that file, then Ctrl-C on the worker.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { NAMESPACE, WORKFLOW_ID } from '@background-check/common';
import { findTemporalCli, type DevServer } from '@background-check/servers';
import { WORKFLOWS_PATH } from '@background-check/worker';
import {
  groupAlive,
  killAllChildren,
  spawnTs,
  startDevServerIn,
  tempDir,
  type Child,
  expectExit,
} from '@background-check/test-support';
import { loadHistoryFile, replayBundle, replayHistories } from '@background-check/replay';
import * as workflows from '@background-check/workflows';

const run = promisify(execFile);

describe('the chapter flow: pnpm start:server, start:worker, start:workflow, workflow show, test:replay', () => {
  let tmp: string;
  let server: DevServer;
  let worker: Child | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    tmp = tempDir('chapter-flow');
    server = await startDevServerIn(tmp);
    env = { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE, BACKGROUNDCHECK_STATE_DIR: tmp };
  });

  afterAll(async () => {
    await killAllChildren();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs a background check end to end and saves a history that replays', async () => {
    worker = spawnTs('worker', 'packages/worker/src/main.ts', [], { env, detached: true });
    await worker.waitFor(/Worker started/, 60_000);

    const starter = spawnTs('starter', 'packages/starter/src/start-workflow.ts', ['--ssn', '555-55-5555'], { env });
    // Up to 60 s of durable sleep on the timer branch, plus start-up.
    await expectExit(starter, 0, 120_000);
    expect(starter.output()).toContain(`workflow id ${WORKFLOW_ID}`);
    expect(starter.output()).toContain('Result: "pass"');
    expect(starter.output()).not.toContain('555-55-5555');

    // The chapter's retrieval step, with the CLI the project installed.
    const file = path.join(tmp, 'backgroundcheck_workflow_history.json');
    const { stdout } = await run(findTemporalCli(), [
      'workflow',
      'show',
      '--workflow-id',
      WORKFLOW_ID,
      '--namespace',
      NAMESPACE,
      '--address',
      server.address,
      '--output',
      'json',
    ]);
    fs.writeFileSync(file, stdout);
    // `pnpm test:replay <file>`'s replay: the current code, with the recorder that explains failures.
    const workflowBundle = await replayBundle(WORKFLOWS_PATH);
    const results = await replayHistories([{ source: file, loaded: loadHistoryFile(file) }], {
      workflowBundle,
      workflowTypes: Object.keys(workflows),
    });
    expect(results).toEqual([expect.objectContaining({ source: file, status: 'pass' })]);

    // The same workflow id again while none runs is fine; Ctrl-C then stops the worker cleanly.
    worker.kill('SIGINT', true);
    await expectExit(worker, 0, 30_000);
    expect(worker.output()).toContain('Worker stopped.');
    expect(worker.output()).not.toMatch(/\n\s+at .*\(/); // no stack trace
    // Nothing of the worker's process group is left behind.
    expect(groupAlive(worker.pid)).toBe(false);
  });
});
