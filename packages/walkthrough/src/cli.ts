// `pnpm walkthrough [--keep] [--write-patch]`: checks docs/walkthrough.md. First the page against
// the repository (code blocks, patch, links), then every command of the page, in order, in a
// scratch copy of the repository against a dev server it starts and stops, each output compared
// with what the page shows. Exit 0 when page and repository agree, 1 when they don't, 2 on bad usage.
import path from 'node:path';
import { repoRoot } from '@background-check/servers';
import { PATCH_FILE, writePatch } from './patch';
import { WalkthroughMismatch, runWalkthrough } from './run';
import { removeAllScratch } from './scratch';
import { stopAll } from './shell';
import { staticProblems } from './static-checks';

const USAGE = `Usage: pnpm walkthrough [--keep] [--write-patch]
  Runs docs/walkthrough.md's commands in a scratch copy of the repository and compares each
  output with the page.
  --keep         keep the scratch copy (its path is printed) to look at afterwards
  --write-patch  rewrite ${PATCH_FILE} from the workflow before and after the chapter's change, then check`;

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = args.find((a) => !['--keep', '--write-patch', '--help', '-h'].includes(a));
  if (unknown) {
    console.error(`Unknown argument ${unknown}.\n${USAGE}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const source = repoRoot();
  if (args.includes('--write-patch')) console.log(`Wrote ${path.relative(source, writePatch(source))}.`);

  const problems = staticProblems(source);
  if (problems.length > 0) {
    console.error(`docs/walkthrough.md disagrees with the repository:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  console.log('The page agrees with the repository (code blocks, patch, links, commands). Running its commands ...');
  try {
    const report = await runWalkthrough({ source, keep: args.includes('--keep') });
    console.log(`\nwalkthrough: ${report.steps.length} steps passed in ${report.seconds.toFixed(0)} s${args.includes('--keep') ? ` (scratch copy kept: ${report.scratch})` : ''}`);
    return 0;
  } catch (err) {
    if (err instanceof WalkthroughMismatch) {
      console.error(`\nThe walkthrough does not do what the page says:\n${err.message}`);
      return 1;
    }
    throw err;
  }
}

// The server and worker run in process groups of their own: Ctrl-C here must stop them too.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping what the walkthrough started ...`);
    void stopAll().then(() => {
      removeAllScratch();
      process.exit(130);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`The walkthrough check could not run: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  },
);
