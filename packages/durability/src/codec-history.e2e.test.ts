// Payload encryption end to end on the dev server: with BACKGROUNDCHECK_CODEC_KEY set for the worker
// and the client, the history the server holds (as `temporal workflow show --output json` prints
// it) has no SSN in clear, the check still passes, and the saved history replays with the key
// (and only with it).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { CODEC_KEY_ENV, ENCRYPTED_ENCODING, dataConverterFromEnv, generateKey } from '@background-check/codec';
import { NAMESPACE, TASK_QUEUE, WORKFLOW_TYPE } from '@background-check/common';
import { connectClient, loadTemporalConfig, type Connected } from '@background-check/connection';
import { checkHistories, loadHistoryFile, replayBundle, replayHistories } from '@background-check/replay';
import { DEFAULTS } from '@background-check/replay/src/defaults';
import { findTemporalCli, type DevServer } from '@background-check/servers';
import { WORKFLOWS_PATH } from '@background-check/worker';
import {
  killAllChildren,
  spawnTs,
  startDevServerIn,
  startUntilBranch,
  terminateRunning,
  tempDir,
  resultWithin,
} from '@background-check/test-support';
import * as workflows from '@background-check/workflows';

const WORKER = 'packages/durability/src/fixtures/worker-child.ts';
const SSN = '555-24-6801';

let server: DevServer;
let encrypted: Connected;
let plain: Connection;

const b64 = (text: string) => Buffer.from(text).toString('base64');
/** The SSN as it sits in a history JSON: inside a json/plain payload, base64 — or in clear text. */
const holdsSsn = (json: string) => json.includes(SSN) || json.includes(b64(JSON.stringify(SSN)));

async function showHistory(workflowId: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    findTemporalCli(),
    [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--namespace',
      NAMESPACE,
      '--address',
      server.address,
      '--output',
      'json',
    ],
    { timeout: 30_000, maxBuffer: 10 * 1024 * 1024 },
  );
  return stdout;
}

beforeAll(async () => {
  server = await startDevServerIn(tempDir('codec'));
}, 90_000);

afterAll(async () => {
  await killAllChildren();
  await encrypted?.connection.close();
  await plain?.close();
  await server?.stop();
});

test('with the codec on, the server history holds no SSN in clear; replay decodes it with the key', async () => {
  const key = generateKey();
  const settings = { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE, [CODEC_KEY_ENV]: key };
  const worker = spawnTs('worker', WORKER, [], { env: { ...settings, DURABILITY_WORKER_NAME: 'codec' } });
  await worker.waitFor(/WORKER_RUNNING codec/, 60_000);
  encrypted = await connectClient(loadTemporalConfig(settings));
  expect(encrypted.config.dataConverter?.payloadCodecs).toHaveLength(1);

  // A run on the activity branch (no 60 s wait): SSN in, activity input, "pass" out, all encrypted.
  const {
    wanted: [id],
    others,
  } = await startUntilBranch(encrypted.client, 'codec', 'activity', { batchSize: 4, ssn: SSN });
  await terminateRunning(encrypted.client, others);
  expect(await resultWithin(encrypted.client, id!, 60_000)).toBe('pass');

  const json = await showHistory(id!);
  expect(JSON.parse(json).events.length).toBeGreaterThan(5);
  expect(holdsSsn(json)).toBe(false);
  expect(json).not.toContain(b64('"pass"'));
  expect(json).toContain(b64(ENCRYPTED_ENCODING));

  // Control: the same check sees the SSN in a run started without the codec (the worker passes
  // unencrypted payloads through), so the check above can fail.
  plain = await Connection.connect({ address: server.address });
  const clear = await new Client({ connection: plain, namespace: NAMESPACE }).workflow.start(WORKFLOW_TYPE, {
    taskQueue: TASK_QUEUE,
    workflowId: 'codec-control',
    args: [SSN],
  });
  expect(holdsSsn(await showHistory(clear.workflowId))).toBe(true);
  await terminateRunning(new Client({ connection: plain, namespace: NAMESPACE }), [clear.workflowId]);

  // The saved history replays with the key; without it the replay cannot read the payloads.
  const file = path.join(tempDir('codec-history'), `${id}.json`);
  fs.writeFileSync(file, json);
  const inputs = [{ source: file, loaded: loadHistoryFile(file) }];
  const options = {
    workflowBundle: await replayBundle(WORKFLOWS_PATH),
    workflowTypes: Object.keys(workflows),
    codecHint: DEFAULTS.codecHint,
  };
  const [withKey] = await replayHistories(inputs, {
    ...options,
    dataConverter: dataConverterFromEnv({ [CODEC_KEY_ENV]: key }),
  });
  expect(withKey).toMatchObject({ status: 'pass' });
  // With replay workers in child processes, the key stays here: payloads are decoded before a history goes out.
  const [inChildren] = await checkHistories(inputs, {
    ...options,
    jobs: 2,
    dataConverter: dataConverterFromEnv({ [CODEC_KEY_ENV]: key }),
  });
  expect(inChildren).toMatchObject({ status: 'pass' });
  const [withoutKey] = await replayHistories(inputs, options);
  expect(withoutKey!.status).toBe('fail');
  expect(withoutKey!.message).toContain(CODEC_KEY_ENV);
}, 150_000);
