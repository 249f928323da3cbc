// The chapter's replay test, in TypeScript: replay a saved Event History against the current
// workflow code; a history the code can no longer produce throws DeterminismViolationError.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

test('replays backgroundcheck_no_timer_1.json against the current workflow code', async () => {
  const file = path.resolve(__dirname, '../../../histories/backgroundcheck_no_timer_1.json');
  const history = historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
  await expect(
    Worker.runReplayHistory({ workflowsPath: require.resolve('@background-check/workflows') }, history),
  ).resolves.toBeUndefined();
});
