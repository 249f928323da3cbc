// Ctrl-C (SIGINT to the command's process group, as a terminal sends it) while the background check
// sleeps on its 60 s timer: `pnpm start` stops everything it started; `pnpm start:workflow` stops
// waiting and says how to follow the execution, which goes on; `pnpm start:worker` and
// `pnpm start:server` stop cleanly, and the execution still completes once they are back.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NAMESPACE } from '@background-check/common';
import { findTemporalCli, portAnswers } from '@background-check/servers';
import {
  STACK_FRAME,
  branchOf,
  expectExit,
  freePort,
  groupAlive,
  killAllChildren,
  resultWithin,
  spawnTs,
  tempDir,
  type Child,
} from '@background-check/test-support';

const RUN_ONCE = 'packages/starter/src/run-once.ts';
const START_WORKFLOW = 'packages/starter/src/start-workflow.ts';
const WORKER = 'packages/worker/src/main.ts';
const SERVER = 'packages/servers/src/server-cli.ts';
// Each run sleeps with p ~1/2: 12 tries all miss with p < 0.0003.
const TRIES = 12;

let tmp: string;
beforeAll(() => {
  tmp = tempDir('ctrl-c');
});
afterAll(async () => {
  await killAllChildren();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs `start` until the execution it starts sleeps (the others run to completion with exit 0). */
async function untilSleeping(
  connectTo: (address: string) => Promise<Connection>,
  start: (attempt: number) => Promise<{ child: Child; address: string; workflowId: string }>,
) {
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    const { child, address, workflowId } = await start(attempt);
    let branch: string | undefined;
    try {
      const connection = await connectTo(address);
      try {
        branch = await branchOf(new Client({ connection, namespace: NAMESPACE }), workflowId);
      } finally {
        await connection.close();
      }
    } catch (err) {
      // A run that skipped the sleep may be over, its own server stopped, before we ask: only then is this no error.
      if (child.isRunning()) throw err;
    }
    if (branch === 'timer') return { child, address, workflowId };
    await expectExit(child, 0, 60_000);
  }
  throw new Error(`None of ${TRIES} background checks took the timer branch.`);
}

const connect = (address: string) => Connection.connect({ address, connectTimeout: '5s' });

test('pnpm start: Ctrl-C mid-sleep stops the worker and its dev server within 10 s, says so, leaves nothing, exits 130', async () => {
  const { child, address, workflowId } = await untilSleeping(connect, async () => {
    const address = `localhost:${await freePort()}`;
    const child = spawnTs('pnpm start', RUN_ONCE, [], {
      env: { TEMPORAL_ADDRESS: address, BACKGROUNDCHECK_STATE_DIR: tmp },
      detached: true,
    });
    const [, workflowId] = await child.waitFor(/workflow id (\S+)\. \(Half/, 90_000);
    return { child, address, workflowId: workflowId! };
  });

  child.kill('SIGINT', true);
  await expectExit(child, 130, 10_000);
  const out = child.output();
  expect(out).toContain('Received SIGINT: stopping what this run started...');
  expect(out).toContain(`Stopped the worker and the dev server at ${address}.`);
  expect(out).toContain(`BackgroundCheck ${workflowId} did not finish; it stays open in the dev server's state`);
  expect(out).not.toContain('Result:');
  expect(out).not.toMatch(STACK_FRAME);
  expect(groupAlive(child.pid)).toBe(false);
  expect(await portAnswers(address)).toBe(false);
}, 600_000);

test('start:workflow stops waiting and says how to follow the execution; start:worker and start:server stop cleanly; it still completes', async () => {
  const address = `localhost:${await freePort()}`;
  const env = { TEMPORAL_ADDRESS: address, BACKGROUNDCHECK_STATE_DIR: tmp };
  const startServerAndWorker = async () => {
    const server = spawnTs('pnpm start:server', SERVER, [], { env, detached: true });
    await server.waitFor(/Ctrl-C to stop\./, 60_000);
    const worker = spawnTs('pnpm start:worker', WORKER, [], { env, detached: true });
    await worker.waitFor(/Worker started/, 60_000);
    return { server, worker };
  };
  const { server, worker } = await startServerAndWorker();

  const { child: starter, workflowId } = await untilSleeping(connect, async (attempt) => {
    const workflowId = `ctrl-c-${attempt}`;
    const child = spawnTs('pnpm start:workflow', START_WORKFLOW, ['--workflow-id', workflowId], {
      env,
      detached: true,
    });
    await child.waitFor(/Started BackgroundCheck/, 30_000);
    return { child, address, workflowId };
  });
  starter.kill('SIGINT', true);
  await expectExit(starter, 130, 10_000);
  const follow = `pnpm temporal workflow describe --workflow-id ${workflowId} --namespace ${NAMESPACE}`;
  expect(starter.output()).toContain(
    `Received SIGINT: stopped waiting. Workflow ${workflowId} goes on on the server (${address}).`,
  );
  expect(starter.output()).toContain(`Follow it:   ${follow}`);
  expect(starter.output()).not.toContain('Result:');
  expect(starter.output()).not.toMatch(STACK_FRAME);
  expect(groupAlive(starter.pid)).toBe(false);
  // The command it prints (`pnpm temporal` runs this CLI) finds the execution, and it is still running.
  const { stdout } = await promisify(execFile)(findTemporalCli(), follow.split(' ').slice(2), {
    env: { ...process.env, TEMPORAL_ADDRESS: address },
  });
  expect(stdout).toMatch(new RegExp(`WorkflowId\\s+${workflowId}\n`));
  const connection = await connect(address);
  const client = new Client({ connection, namespace: NAMESPACE });
  expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
  await connection.close();

  // The worker and the server, Ctrl-C'd mid-sleep too, stop as they always do.
  worker.kill('SIGINT', true);
  await expectExit(worker, 0, 30_000);
  expect(worker.output()).toContain('Worker stopped.');
  server.kill('SIGINT', true);
  await expectExit(server, 0, 30_000);
  expect(server.output()).toContain('Dev server stopped.');
  for (const child of [worker, server]) {
    expect(child.output()).not.toMatch(STACK_FRAME);
    expect(groupAlive(child.pid)).toBe(false);
  }
  expect(await portAnswers(address)).toBe(false);

  // The execution went on: the server kept it in its state, and with a server and a worker back it completes.
  await startServerAndWorker();
  const again = await connect(address);
  try {
    expect(await resultWithin(new Client({ connection: again, namespace: NAMESPACE }), workflowId, 120_000)).toBe(
      'pass',
    );
  } finally {
    await again.close();
  }
}, 600_000);
