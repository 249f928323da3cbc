// The replay runner takes every history source the chapter names, as saved, and histories in memory;
// histories with encrypted payloads replay with the codec key, and say what to do without it.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import * as activities from '@background-check/activities';
import { CODEC_KEY_ENV, dataConverterFromEnv, generateKey } from '@background-check/codec';
import { tempDir, useTimeSkippingEnv } from '@background-check/test-support';
import { loadHistoryFile, parseHistory } from '../src/load';
import { replayHistories, type HistoryInput } from '../src/replay';
import { FIXTURES, bundleVariant, replayBundle } from './corpus';

const dir = tempDir('runner');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const SSN = '555-24-6801';

test('every history source replays: CLI JSON (both enum spellings), Web UI export, SDK fetchHistory(), other shapes, in memory', async () => {
  const files = ['cli-show.json', 'cli-show-short-enums.json', 'web-ui-export.json', 'sdk-fetch-history.json'].map(
    (f) => path.join(FIXTURES, 'sources', f),
  );
  const cli = fs.readFileSync(files[0]!, 'utf8');
  expect(cli).toContain('"eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"');
  expect(fs.readFileSync(files[1]!, 'utf8')).toContain('"eventType": "WorkflowExecutionStarted"');
  const inputs: HistoryInput[] = [
    ...files.map((f) => ({ source: path.basename(f), loaded: loadHistoryFile(f) })),
    // The other shapes a Web UI import accepts, the raw API answer, and a BOM some editors add.
    { source: 'bare-array', loaded: parseHistory(JSON.stringify(JSON.parse(cli).events)) },
    { source: 'api-answer', loaded: parseHistory(JSON.stringify({ history: JSON.parse(cli) })) },
    { source: 'bom', loaded: parseHistory(`\uFEFF${cli}`) },
    // A History object, as the client's fetchHistory() returns it.
    { source: 'in-memory', loaded: { history: historyFromJSON(JSON.parse(cli)), workflowType: 'BackgroundCheck' } },
  ];
  const results = await replayHistories(inputs, {
    workflowBundle: await replayBundle(),
    workflowTypes: ['BackgroundCheck'],
  });
  expect(
    results.map(({ source, status, workflowType, message }) => ({ source, status, workflowType, message })),
  ).toEqual(
    inputs.map(({ source }) => ({ source, status: 'pass', workflowType: 'BackgroundCheck', message: undefined })),
  );
});

describe('on the time-skipping test server', () => {
  let env: Parameters<Parameters<typeof useTimeSkippingEnv>[0]>[0];
  useTimeSkippingEnv((e) => (env = e));

  test("encrypted payloads: the client's fetchHistory() and its saved JSON replay with the key; without it the report says to set it", async () => {
    const dataConverter = dataConverterFromEnv({ [CODEC_KEY_ENV]: generateKey() })!;
    const client = new Client({ connection: env.connection, dataConverter });
    const bundle = await bundleVariant('v0-before-sleep');
    // The variant's bundle has the replay recorder: on a live worker its sink does nothing.
    const sinks = { replayRecorder: { step: { fn: () => undefined } } };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'encrypted',
      workflowBundle: bundle,
      activities,
      dataConverter,
      sinks,
    });
    const history: History = await worker.runUntil(async () => {
      const handle = await client.workflow.start('BackgroundCheck', {
        taskQueue: 'encrypted',
        workflowId: 'encrypted-1',
        args: [SSN],
      });
      await handle.result();
      return await handle.fetchHistory();
    });
    const file = path.join(dir, 'encrypted.json');
    fs.writeFileSync(file, historyToJSON(history));
    const saved = fs.readFileSync(file, 'utf8');
    expect(saved).not.toContain(Buffer.from(JSON.stringify(SSN)).toString('base64'));
    expect(saved).not.toContain(SSN);

    const options = { workflowBundle: bundle, workflowTypes: ['BackgroundCheck'] };
    const inputs: HistoryInput[] = [
      { source: 'fetched', loaded: { history, workflowType: 'BackgroundCheck' } },
      { source: 'saved', loaded: loadHistoryFile(file) },
    ];
    expect((await replayHistories(inputs, { ...options, dataConverter })).map((r) => r.status)).toEqual([
      'pass',
      'pass',
    ]);
    const withoutKey = await replayHistories(inputs, options);
    for (const r of withoutKey) {
      expect(r.status).toBe('fail');
      expect(r.divergence).toBeUndefined();
      expect(r.message).toMatch(
        /^the workflow code failed while replaying: .*binary\/encrypted.*The history's payloads are encrypted: replay it with the codec they were written with\.$/,
      );
    }
  });
});
