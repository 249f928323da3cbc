// The chapter's replay test: every Event History saved in histories/ must replay against the current
// workflow code. A non-deterministic change to the workflow makes this test fail before it is deployed.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { repoRoot } from '@background-check/common';
import { prebuiltBundle } from './bundle';

const dir = path.join(repoRoot(), 'histories');
const workflowsPath = require.resolve('@background-check/workflows');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
const histories = files.map((f) => ({
  workflowId: f,
  history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))),
}));

test('the corpus holds executions of both branches: with and without the 60 s timer', () => {
  const slept = histories.map(({ history }) => history.events!.some((e) => e.timerStartedEventAttributes));
  expect(slept).toContain(true);
  expect(slept).toContain(false);
});

test('every history in histories/ replays against the current workflow code', async () => {
  const results = [];
  // One replay worker and one bundle for all the histories.
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: await prebuiltBundle({ workflowsPath }) },
    histories,
  )) {
    results.push({ file: result.workflowId, error: result.error?.message });
  }
  expect(results).toEqual(files.map((file) => ({ file, error: undefined })));
});
