// The project's replay runner: every history source the chapter names is accepted, and sharding
// across child processes gives the same results (and explanations) as replaying in this process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { prebuiltBundle } from '@background-check/worker';
import { replayHistories, type FileResult } from './replay';
import { corpusFiles, FIXTURES } from './test-support';
import { listHistoryFiles } from './validate';
import { bundleVariant } from './variants';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('every history source replays: CLI JSON (both enum spellings), Web UI export, SDK fetchHistory(), in memory', async () => {
  const sources = path.join(FIXTURES, 'sources');
  const files = ['cli-show.json', 'cli-show-short-enums.json', 'web-ui-export.json', 'sdk-fetch-history.json'].map((f) => path.join(sources, f));
  const cli = fs.readFileSync(files[0]!, 'utf8');
  expect(cli).toContain('"EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"');
  expect(fs.readFileSync(files[1]!, 'utf8')).toContain('"eventType": "WorkflowExecutionStarted"');
  // The other shapes a Web UI import accepts, and the raw API answer.
  const bareArray = path.join(dir, 'bare-array.json');
  fs.writeFileSync(bareArray, JSON.stringify(JSON.parse(cli).events));
  const apiAnswer = path.join(dir, 'api-answer.json');
  fs.writeFileSync(apiAnswer, JSON.stringify({ history: JSON.parse(cli) }));
  const results = await replayHistories([...files, bareArray, apiAnswer, { name: 'fetched', history: historyFromJSON(JSON.parse(cli)) }], {
    workflowBundle: await prebuiltBundle(),
    workflowTypes: ['BackgroundCheck'],
    processes: 0,
  });
  expect(results.map((r) => ({ file: path.basename(r.file), ok: r.ok, message: r.message }))).toEqual(
    [...files, bareArray, apiAnswer, 'fetched'].map((f) => ({ file: path.basename(f), ok: true, message: undefined })),
  );
});

test('sharded across child processes, the results and explanations are those of a single process', async () => {
  const files = [...corpusFiles(), ...listHistoryFiles(path.join(FIXTURES, 'v0')), ...listHistoryFiles(path.join(FIXTURES, 'v1-patched')), ...listHistoryFiles(path.join(FIXTURES, 'v2-deprecated'))];
  const options = { workflowBundle: await prebuiltBundle(), workflowTypes: ['BackgroundCheck'] };
  const summary = (results: FileResult[]) => results.map((r) => ({ file: r.file, ok: r.ok, kind: r.kind, change: r.explanation?.kind, code: r.explanation?.code?.description }));
  const seen: string[] = [];
  const single = await replayHistories(files, { ...options, processes: 0 });
  const sharded = await replayHistories(files, { ...options, processes: 2, onResult: (r) => seen.push(r.file) });
  expect(summary(sharded)).toEqual(summary(single));
  expect(seen.sort()).toEqual([...files].sort());
  // The mix is real: some pass, and the failures carry the code's own commands from the shards.
  expect(single.some((r) => r.ok)).toBe(true);
  expect(sharded.filter((r) => !r.ok).map((r) => r.explanation?.code?.description)).toContain('started a 60 s timer');
});

test('histories with encrypted payloads replay with the codec key, and say so without it', async () => {
  const { createTimeSkippingEnv } = await import('@background-check/servers');
  const { dataConverterFromEnv, generateKey } = await import('@background-check/codec');
  const { Worker } = await import('@temporalio/worker');
  const activities = await import('@background-check/activities');
  const dataConverter = dataConverterFromEnv({ BACKGROUNDCHECK_CODEC_KEY: generateKey() })!;
  const env = await createTimeSkippingEnv();
  try {
    const { Client } = await import('@temporalio/client');
    const client = new Client({ connection: env.connection, dataConverter });
    const bundle = await bundleVariant('v0-before-sleep');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'encrypted', workflowBundle: bundle, activities, dataConverter });
    const history = await worker.runUntil(async () => {
      const handle = await client.workflow.start('BackgroundCheck', { taskQueue: 'encrypted', workflowId: 'encrypted-1', args: ['555-55-5555'] });
      await handle.result();
      return await handle.fetchHistory();
    });
    const file = path.join(dir, 'encrypted.json');
    fs.writeFileSync(file, historyToJSON(history));
    expect(fs.readFileSync(file, 'utf8')).not.toContain(Buffer.from('"555-55-5555"').toString('base64'));
    const options = { workflowBundle: bundle, workflowTypes: ['BackgroundCheck'] };
    const [withKey] = await replayHistories([file], { ...options, dataConverter });
    expect(withKey).toEqual(expect.objectContaining({ ok: true }));
    const [withoutKey] = await replayHistories([file], options);
    expect(withoutKey).toEqual(expect.objectContaining({ ok: false, kind: 'replay-error' }));
    expect(withoutKey!.message).toContain('BACKGROUNDCHECK_CODEC_KEY');
  } finally {
    await env.teardown();
  }
});
