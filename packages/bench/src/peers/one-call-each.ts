// A peer of `pnpm test:replay` for `pnpm bench:replay`: one Worker.runReplayHistory call per history
// file in FOLDER, as the third-party replay actions do (each call starts and stops its own replay worker).
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
  let failed = 0;
  for (const file of files) {
    await Worker.runReplayHistory({ workflowBundle }, readHistory(file), path.basename(file)).catch(() => failed++);
  }
  console.log(`${files.length} histories, ${failed} failed`);
  return failed > 0 ? 1 : 0;
});
