// `pnpm history:fetch`, `history:show` and `history:capture` against a real dev server (its own,
// on free ports), on executions of the version-0 workflow (no random sleep: fast and predictable).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from '@background-check/activities';
import { NAMESPACE, TASK_QUEUE } from '@background-check/common';
import { TEMPORAL_CLI, repoRoot, requireBinary, startDevServerIn, type DevServer } from '@background-check/servers';
import { replayHistories } from './replay';
import { bundleVariant } from './variants';

const root = repoRoot();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'history-cli-'));
let server: DevServer;
let clientConnection: Connection;
let client: Client;
const runIds: Record<string, string[]> = {};

function cli(script: 'fetch' | 'show' | 'capture', args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), path.join(root, 'packages', 'history', 'src', `${script}-cli.ts`), ...args],
      {
        cwd: root,
        env: { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE, INIT_CWD: tmp, TS_NODE_PROJECT: path.join(root, 'packages', 'history', 'tsconfig.json'), ...env },
        timeout: 60_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  server = await startDevServerIn(tmp);
  clientConnection = await Connection.connect({ address: server.address, connectTimeout: '5s' });
  client = new Client({ connection: clientConnection, namespace: NAMESPACE });
  const connection = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({ connection, namespace: NAMESPACE, taskQueue: TASK_QUEUE, workflowBundle: await bundleVariant('v0-before-sleep'), activities });
  await worker.runUntil(async () => {
    // Two that pass, one that fails (a malformed SSN), and one workflow id run twice.
    for (const [id, ssn] of [['hist-pass-1', '555-55-5555'], ['hist-pass-2', '555-55-1234'], ['hist-fail', '123'], ['hist-again', '555-55-0001'], ['hist-again', '555-55-0002']] as const) {
      const handle = await client.workflow.start('BackgroundCheck', { taskQueue: TASK_QUEUE, workflowId: id, args: [ssn] });
      await handle.result().catch(() => undefined);
      (runIds[id] ??= []).push(handle.firstExecutionRunId);
    }
  });
  await connection.close();
  // Visibility catches up a moment after the executions close.
  const deadline = Date.now() + 30_000;
  for (;;) {
    let closed = 0;
    for await (const _ of client.workflow.list({ query: "ExecutionStatus != 'Running'" })) closed++;
    if (closed >= 5) break;
    if (Date.now() > deadline) throw new Error(`the dev server lists ${closed} closed executions after 30 s; 5 were run`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, 120_000);

afterAll(async () => {
  await clientConnection?.close();
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('history:fetch saves what `temporal workflow show --output json` saves, and it replays', async () => {
  const { code, stdout } = await cli('fetch', ['--workflow-id', 'hist-pass-1', '--out', 'fetched.json']);
  expect(stdout).toMatch(/Saved 11 events of BackgroundCheck "hist-pass-1" \(run .+, COMPLETED\) to fetched\.json/);
  expect(code).toBe(0);
  const saved = JSON.parse(fs.readFileSync(path.join(tmp, 'fetched.json'), 'utf8'));
  const shown = await new Promise<string>((resolve, reject) =>
    execFile(requireBinary(TEMPORAL_CLI), ['workflow', 'show', '--address', server.address, '--namespace', NAMESPACE, '--workflow-id', 'hist-pass-1', '--output', 'json'], { timeout: 30_000 }, (err, out) => (err ? reject(err) : resolve(out))),
  );
  expect(saved).toEqual(JSON.parse(shown));
  const [result] = await replayHistories([path.join(tmp, 'fetched.json')], { workflowBundle: await bundleVariant('v0-before-sleep'), workflowTypes: ['BackgroundCheck'], processes: 0 });
  expect(result).toEqual(expect.objectContaining({ ok: true }));
  // Nothing is overwritten without --force.
  const again = await cli('fetch', ['--workflow-id', 'hist-pass-1', '--out', 'fetched.json']);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('already exists; nothing was overwritten');
});

test('history:fetch takes the latest run without --run-id, the named one with it; a wrong id is named', async () => {
  const [first, second] = runIds['hist-again']!;
  await cli('fetch', ['--workflow-id', 'hist-again', '--out', 'latest.json']);
  await cli('fetch', ['--workflow-id', 'hist-again', '--run-id', first!, '--out', 'first.json', '--namespace', NAMESPACE]);
  const runOf = (file: string) => JSON.parse(fs.readFileSync(path.join(tmp, file), 'utf8')).events[0].workflowExecutionStartedEventAttributes.originalExecutionRunId;
  expect(runOf('latest.json')).toBe(second);
  expect(runOf('first.json')).toBe(first);
  const missing = await cli('fetch', ['--workflow-id', 'no-such-workflow']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain(`No execution with workflow id "no-such-workflow" in namespace "${NAMESPACE}" on ${server.address}`);
  const usage = await cli('fetch', []);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('--workflow-id is required.');
});

test("history:show prints the chapter's table and the result, from a file or from the server", async () => {
  await cli('fetch', ['--workflow-id', 'hist-pass-2', '--out', 'show.json']);
  const fromFile = await cli('show', ['show.json']);
  expect(fromFile.code).toBe(0);
  expect(fromFile.stdout).toMatch(/^Progress:\n\s+ID\s+Time\s+Type\n\s+1\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+WorkflowExecutionStarted\n/);
  expect(fromFile.stdout).toMatch(/\s11\s+\S+\s+WorkflowExecutionCompleted\n\nResult:\n\s+Status: COMPLETED\n\s+Output: \["pass"\]/);
  const fromServer = await cli('show', ['--workflow-id', 'hist-fail']);
  expect(fromServer.code).toBe(0);
  expect(fromServer.stdout).toContain('ActivityTaskFailed');
  expect(fromServer.stdout).toContain('Status: FAILED');
  expect(fromServer.stdout).toContain('Invalid SSN');
});

test('history:capture saves one history per new shape, and nothing on the next run', async () => {
  const corpus = path.join(tmp, 'corpus');
  const first = await cli('capture', ['--out', 'corpus']);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('Looked at 5 closed BackgroundCheck executions');
  expect(first.stdout).toContain('2 new shapes.');
  const saved = fs.readdirSync(corpus).sort();
  expect(saved.map((f) => f.replace(/_.*$/, ''))).toEqual(['completed-no-timer', 'failed-no-timer']);
  const second = await cli('capture', ['--out', 'corpus']);
  expect(second.stdout).toContain('the corpus (corpus) had 2 shapes.');
  expect(second.stdout).toContain('Nothing new: every shape is already in the corpus.');
  expect(fs.readdirSync(corpus).sort()).toEqual(saved);
  // What was captured replays against the code that produced it.
  const results = await replayHistories(saved.map((f) => path.join(corpus, f)), { workflowBundle: await bundleVariant('v0-before-sleep'), workflowTypes: ['BackgroundCheck'], processes: 0 });
  expect(results.every((r) => r.ok)).toBe(true);
});

test("the SDK client's fetchHistory() replays as it is, in memory", async () => {
  const history = await client.workflow.getHandle('hist-pass-2').fetchHistory();
  const [result] = await replayHistories([{ name: 'hist-pass-2 (fetched)', history }], { workflowBundle: await bundleVariant('v0-before-sleep'), workflowTypes: ['BackgroundCheck'] });
  expect(result).toEqual(expect.objectContaining({ file: 'hist-pass-2 (fetched)', ok: true }));
});
