// A peer of `pnpm test:replay` for `pnpm bench:replay`: the SDK's own replay loop, one worker
// (Worker.runReplayHistories) over every history file in FOLDER, fed one file at a time.
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { runCommand } from '@background-check/common';
import { installRuntime } from '@background-check/connection';
import { workerBundle } from '@background-check/worker';
import { historyFiles, readHistory } from './history-files';

runCommand(async () => {
  const files = historyFiles(process.argv.slice(2));
  installRuntime('WARN', 'ERROR');
  const workflowBundle = await workerBundle();
  function* items() {
    for (const file of files) yield { workflowId: path.basename(file), history: readHistory(file) };
  }
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle }, items())) failed += result.error ? 1 : 0;
  console.log(`${files.length} histories, ${failed} failed`);
  return failed > 0 ? 1 : 0;
});
