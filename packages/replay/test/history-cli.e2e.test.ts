// Histories from a real dev server (its own, on free ports), on executions of the version-0 workflow (no
// random sleep: fast and predictable): `pnpm history:capture` grows a corpus one shape at a time, the
// CLI's JSON and the client's fetchHistory() replay, and `pnpm test:replay --server` replays what the
// server holds against the current code.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from '@background-check/activities';
import { NAMESPACE, TASK_QUEUE } from '@background-check/common';
import { findTemporalCli, type DevServer } from '@background-check/servers';
import { STACK_FRAME, spawnTs, tempDir, until, useDevServer, waitForExit } from '@background-check/test-support';
import { loadHistoryFile, parseHistory } from '../src/load';
import { replayHistories, type ReplayResult } from '../src/replay';
import { bundleVariant, probeDraws, replayBundle } from './corpus';

let server: DevServer;
let client: Client;
useDevServer('replay-history-cli', (s, c) => ((server = s), (client = c)));

const tmp = tempDir('history-cli');
/** workflow id → run ids, in the order they ran. */
const runIds: Record<string, string[]> = {};
const OPEN = 'hist-open';

async function run(
  script: 'capture' | 'replay',
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = script === 'capture' ? 'packages/replay/src/capture-cli.ts' : 'packages/replay/src/cli.ts';
  const child = spawnTs(script, file, args, {
    env: {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      INIT_CWD: tmp,
      BACKGROUNDCHECK_CODEC_KEY: '',
    },
  });
  const exit = await waitForExit(child, 90_000);
  expect(exit.timedOut).toBe(false);
  expect(child.output()).not.toMatch(STACK_FRAME);
  return { code: exit.code, stdout: child.stdout(), stderr: child.stderr() };
}

const v0 = () => bundleVariant('v0-before-sleep');
const replayV0 = async (inputs: { source: string; history: History }[]) =>
  await replayHistories(
    inputs.map(({ source, history }) => ({ source, loaded: { history, workflowType: 'BackgroundCheck' } })),
    { workflowBundle: await v0(), workflowTypes: ['BackgroundCheck'] },
  );

beforeAll(async () => {
  const connection = await NativeConnection.connect({ address: server.address });
  const sinks = { replayRecorder: { step: { fn: () => undefined } } };
  const worker = await Worker.create({
    connection,
    namespace: NAMESPACE,
    taskQueue: TASK_QUEUE,
    workflowBundle: await v0(),
    activities,
    sinks,
  });
  await worker.runUntil(async () => {
    // Two that pass, one that fails (a malformed SSN), and one workflow id run twice.
    const runs = [
      ['hist-pass-1', '555-55-5555'],
      ['hist-pass-2', '555-55-1234'],
      ['hist-fail', '123'],
      ['hist-again', '555-55-0001'],
      ['hist-again', '555-55-0002'],
    ];
    for (const [id, ssn] of runs) {
      const handle = await client.workflow.start('BackgroundCheck', {
        taskQueue: TASK_QUEUE,
        workflowId: id!,
        args: [ssn],
      });
      await handle.result().catch(() => undefined);
      (runIds[id!] ??= []).push(handle.firstExecutionRunId);
    }
  });
  await connection.close();
  // Open: on a task queue no worker polls, so it stays running.
  const open = await client.workflow.start('BackgroundCheck', {
    taskQueue: 'no-worker-here',
    workflowId: OPEN,
    args: ['555-55-5555'],
  });
  runIds[OPEN] = [open.firstExecutionRunId];
  // Visibility catches up a moment after executions start and close.
  await until('the dev server to list the 6 executions', 30_000, async () => {
    let listed = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowType = 'BackgroundCheck'` })) listed++;
    return listed >= 6 ? listed : undefined;
  });
}, 120_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('history:capture saves one history per new shape, nothing on the next run, and what it saved replays', async () => {
  const dry = await run('capture', ['--out', 'dry', '--dry-run']);
  expect(dry.stdout).toContain('2 new shapes (dry run: nothing saved).');
  expect(fs.existsSync(path.join(tmp, 'dry'))).toBe(false);

  const first = await run('capture', ['--out', 'corpus']);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain(
    `Looked at 5 closed BackgroundCheck executions in "${NAMESPACE}" on ${server.address}; the corpus (corpus) had 0 shapes.`,
  );
  expect(first.stdout).toContain('2 new shapes.');
  const corpus = path.join(tmp, 'corpus');
  const saved = fs.readdirSync(corpus).sort();
  expect(saved.map((f) => f.replace(/_.*$/, ''))).toEqual(['completed-no-timer', 'failed-no-timer']);

  const second = await run('capture', ['--out', 'corpus']);
  expect(second.stdout).toContain('the corpus (corpus) had 2 shapes.');
  expect(second.stdout).toContain('Nothing new: every shape is already in the corpus.');
  expect(fs.readdirSync(corpus).sort()).toEqual(saved);

  const results = await replayHistories(
    saved.map((f) => ({ source: f, loaded: loadHistoryFile(path.join(corpus, f)) })),
    { workflowBundle: await v0(), workflowTypes: ['BackgroundCheck'] },
  );
  expect(results.map((r) => r.status)).toEqual(['pass', 'pass']);
});

test("`temporal workflow show --output json` and the client's fetchHistory() both replay, in a file or in memory", async () => {
  const { stdout } = await promisify(execFile)(
    findTemporalCli(),
    [
      'workflow',
      'show',
      '--address',
      server.address,
      '--namespace',
      NAMESPACE,
      '--workflow-id',
      'hist-pass-1',
      '--output',
      'json',
    ],
    { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const shown = parseHistory(stdout);
  if (!('history' in shown)) throw new Error(shown.problem);
  const fetched = await client.workflow.getHandle('hist-pass-1').fetchHistory();
  expect(shown.history.events).toHaveLength(fetched.events!.length);
  const saved = parseHistory(historyToJSON(fetched));
  if (!('history' in saved)) throw new Error(saved.problem);
  const results = await replayV0([
    { source: 'cli', history: shown.history },
    { source: 'fetched', history: fetched },
    { source: 'fetched, saved', history: saved.history },
  ]);
  expect(results.map((r) => [r.source, r.status])).toEqual([
    ['cli', 'pass'],
    ['fetched', 'pass'],
    ['fetched, saved', 'pass'],
  ]);
});

describe('pnpm test:replay --server', () => {
  /** Each execution's expected status against the current code: its draw decides (below 50 it would now sleep). */
  const expected = new Map<string, 'pass' | 'fail'>();
  beforeAll(async () => {
    await replayBundle();
    const files = new Map<string, string>();
    for (const [id, runs] of Object.entries(runIds)) {
      for (const runId of runs) {
        const file = path.join(tmp, `${id}-${runId}.json`);
        fs.writeFileSync(file, historyToJSON(await client.workflow.getHandle(id, runId).fetchHistory()));
        files.set(`${id}/${runId}`, file);
      }
    }
    // The open one has not run a workflow task: no code has run for it, there is nothing to diverge from.
    const closed = [...files].filter(([source]) => !source.startsWith(`${OPEN}/`));
    const draws = await probeDraws(closed.map(([, file]) => file));
    for (const [source, file] of files) expected.set(source, (draws.get(file) ?? 50) >= 50 ? 'pass' : 'fail');
  }, 60_000);

  const statuses = (results: ReplayResult[]) => Object.fromEntries(results.map((r) => [r.source, r.status]));

  test('every open execution and the latest closed ones, each named workflowId/runId, judged as its draw says', async () => {
    const r = await run('replay', ['--server', '--format', 'json']);
    const report = JSON.parse(r.stdout) as { histories: ReplayResult[] };
    expect(statuses(report.histories)).toEqual(Object.fromEntries(expected));
    expect(report.histories.find((h) => h.workflowId === OPEN)).toMatchObject({
      runId: runIds[OPEN]![0],
      status: 'pass',
    });
    const fails = [...expected.values()].includes('fail');
    expect(r.code).toBe(fails ? 1 : 0);
  });

  test('--limit takes that many closed executions (the open ones always), --query picks executions, and files go along', async () => {
    const [limited, queried] = await Promise.all([
      run('replay', ['--server', '--limit', '1', '--format', 'json']),
      run('replay', [
        '--server',
        '--query',
        "WorkflowId = 'hist-again'",
        '--format',
        'json',
        path.join(tmp, `${OPEN}-${runIds[OPEN]![0]}.json`),
      ]),
    ]);
    const limitedSources = (JSON.parse(limited.stdout) as { histories: ReplayResult[] }).histories.map((h) => h.source);
    expect(limitedSources).toHaveLength(2);
    expect(limitedSources[0]).toBe(`${OPEN}/${runIds[OPEN]![0]}`);
    const queriedSources = (JSON.parse(queried.stdout) as { histories: ReplayResult[] }).histories.map((h) => h.source);
    expect(queriedSources.slice(1).sort()).toEqual(runIds['hist-again']!.map((runId) => `hist-again/${runId}`).sort());
    expect(queriedSources[0]).toMatch(new RegExp(`${OPEN}-.*\\.json$`));
  });

  test('a query the server refuses: exit 2 with its reason; a query that matches nothing: exit 1, nothing checked', async () => {
    const [refused, none] = await Promise.all([
      run('replay', ['--server', '--query', 'WorkflowId = ']),
      run('replay', ['--server', '--query', "WorkflowId = 'no-such-workflow'"]),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^The server refused the query "WorkflowId = ": .*Check its syntax/);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe(
      `No execution matches "WorkflowId = 'no-such-workflow'" in namespace "${NAMESPACE}": nothing was checked. Check the namespace and the query.`,
    );
  });

  test('-w ID alone: that one execution (its latest run, or -r RUN-ID), replayed with its own workflow id', async () => {
    const [first, latest] = runIds['hist-again']!;
    const [byId, byRun, missing] = await Promise.all([
      run('replay', ['-w', 'hist-again', '-o', 'json']),
      run('replay', ['--workflow-id', 'hist-again', '-r', first!, '-o', 'json']),
      run('replay', ['-w', 'no-such-workflow']),
    ]);
    const brief = (stdout: string) =>
      (JSON.parse(stdout) as { histories: ReplayResult[] }).histories.map((h) => ({
        source: h.source,
        workflowId: h.workflowId,
        runId: h.runId,
        status: h.status,
      }));
    const expectedOf = (runId: string) => ({
      source: `hist-again/${runId}`,
      workflowId: 'hist-again',
      runId,
      status: expected.get(`hist-again/${runId}`),
    });
    expect(brief(byId.stdout)).toEqual([expectedOf(latest!)]);
    expect(brief(byRun.stdout)).toEqual([expectedOf(first!)]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      `No execution "no-such-workflow" in namespace "${NAMESPACE}". Check the workflow id, the run id and the namespace (-n).`,
    );
  });

  test('--jobs 2 gives the report --jobs 1 gives on what the server holds', async () => {
    const [one, two] = await Promise.all([
      run('replay', ['--server', '-o', 'json', '--jobs', '1']),
      run('replay', ['--server', '-o', 'json', '--jobs', '2']),
    ]);
    expect(statuses((JSON.parse(one.stdout) as { histories: ReplayResult[] }).histories)).toEqual(
      Object.fromEntries(expected),
    );
    expect(two.stdout).toBe(one.stdout);
    expect(two.code).toBe(one.code);
  });
});
