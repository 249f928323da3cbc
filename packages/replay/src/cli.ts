// `pnpm test:replay [file-or-folder ...]`: replays every history (default: histories/) against the
// current workflow code in one replay worker with one bundle; PASS or FAIL per file; exit 1 on any failure.
import fs from 'node:fs';
import path from 'node:path';
import * as workflows from '@background-check/workflows';
import { repoRoot } from '@background-check/servers';
import { prebuiltBundle } from '@background-check/worker';
import { formatReport } from './report';
import { replayFiles } from './replay';
import { listHistoryFiles } from './validate';
import { workflowTypesOf } from './workflow-types';

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log('Usage: pnpm test:replay [file-or-folder ...]   (default: histories/)');
    return 0;
  }
  const unknownOption = args.find((a) => a.startsWith('-'));
  if (unknownOption) {
    console.error(`Unknown option ${unknownOption}.\nUsage: pnpm test:replay [file-or-folder ...]   (default: histories/)`);
    return 2;
  }
  const root = repoRoot();
  // Paths are relative to where the user ran pnpm (INIT_CWD), not to this package's folder.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const targets = args.length > 0 ? args.map((a) => path.resolve(cwd, a)) : [path.join(root, 'histories')];
  const files: string[] = [];
  for (const target of targets) {
    if (!fs.existsSync(target)) {
      console.error(`${target} does not exist. Name a history JSON file or a folder of them.`);
      return 2;
    }
    files.push(...(fs.statSync(target).isDirectory() ? listHistoryFiles(target) : [target]));
  }
  if (files.length === 0) {
    console.error(`No *.json histories under ${targets.join(', ')}. Save one with \`temporal workflow show --output json\` or \`pnpm history:fetch\`.`);
    return 1;
  }
  const started = Date.now();
  const { codePath } = await prebuiltBundle((reason) => console.log(`Bundling the workflow code (${reason})...`));
  const results = await replayFiles(files, {
    workflowBundle: { codePath },
    workflowTypes: workflowTypesOf(workflows),
  });
  console.log(formatReport(results, { root, elapsedMs: Date.now() - started }));
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`Replay could not run: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  },
);
