// `pnpm walkthrough`: checks docs/walkthrough.md, first against the repository, then by running its
// commands in order in a scratch copy. Exit 0 when page and repository agree, 1 when not, 2 on bad usage.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PATCH_FILE, ROOT, makePatch, staticProblems } from './checks';
import { PageProblem } from './page';
import { WalkthroughMismatch, cleanUp, runWalkthrough } from './run';

const USAGE = `Usage: pnpm walkthrough [--keep] [--write-patch]
  Runs docs/walkthrough.md's commands in a scratch copy of the repository and compares each output with the page.
  --keep         keep the scratch copy (its path is printed) to look at afterwards
  --write-patch  first write ${PATCH_FILE}: the chapter's change, from its starting point to the workflow`;

async function main(): Promise<number> {
  const options = { keep: { type: 'boolean' }, 'write-patch': { type: 'boolean' }, help: { type: 'boolean' } } as const;
  let flags;
  try {
    flags = parseArgs({ options }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags['write-patch']) fs.writeFileSync(path.join(ROOT, PATCH_FILE), makePatch(ROOT));
  try {
    const problems = staticProblems(ROOT).map((p) => `\n  - ${p}`);
    if (problems.length > 0) {
      throw new PageProblem(`docs/walkthrough.md disagrees with the repository:${problems.join('')}`);
    }
    console.log('The page agrees with the repository (code blocks, patch, links, commands). Running its commands ...');
    const { steps, seconds, scratch } = await runWalkthrough({ source: ROOT, keep: flags.keep });
    const kept = flags.keep ? ` (scratch copy kept: ${scratch})` : '';
    console.log(`\nwalkthrough: ${steps} steps passed in ${seconds.toFixed(0)} s${kept}`);
    return 0;
  } catch (err) {
    if (!(err instanceof PageProblem || err instanceof WalkthroughMismatch)) throw err;
    if (!interrupted) console.error(`\n${err.message}`);
    return 1;
  }
}

// The page's server and worker run in process groups of their own: Ctrl-C here must stop them too. What the
// stopped commands then print says nothing about the page.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping what the walkthrough started ...`);
    void cleanUp().finally(() => process.exit(130));
  });
}
main().then(
  (code) => interrupted || process.exit(code),
  (err: unknown) => {
    if (!interrupted) console.error(`The walkthrough check could not run: ${err instanceof Error ? err.stack : err}`);
    void cleanUp().finally(() => interrupted || process.exit(1));
  },
);
