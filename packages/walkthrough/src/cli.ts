// `pnpm walkthrough`: checks docs/walkthrough.md, first against the repository, then by running its
// commands in order in a scratch copy. Exit 0 when page and repository agree, 1 when not, 2 on bad usage.
import fs from 'node:fs';
import path from 'node:path';
import { UserError, parseCommandArgs, runCommand } from '@background-check/common';
import { PATCH_FILE, ROOT, makePatch, staticProblems } from './checks';
import { cleanUp, runWalkthrough } from './run';

const USAGE = `Usage: pnpm walkthrough [--keep] [--write-patch]
  Runs docs/walkthrough.md's commands in a scratch copy of the repository and compares each output with the page.
  --keep         keep the scratch copy (its path is printed) to look at afterwards
  --write-patch  first write ${PATCH_FILE}: the chapter's change, from its starting point to the workflow`;

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

runCommand(async () => {
  const options = { keep: { type: 'boolean' }, 'write-patch': { type: 'boolean' } } as const;
  const { values } = parseCommandArgs(process.argv.slice(2), options, USAGE);
  if (values['write-patch']) fs.writeFileSync(path.join(ROOT, PATCH_FILE), makePatch(ROOT));
  const problems = staticProblems(ROOT).map((p) => `\n  - ${p}`);
  if (problems.length > 0)
    throw new UserError(`docs/walkthrough.md disagrees with the repository:${problems.join('')}`);
  console.log('The page agrees with the repository (code blocks, patch, links, commands). Running its commands ...');
  try {
    const { steps, seconds, scratch } = await runWalkthrough({ source: ROOT, keep: values.keep });
    const kept = values.keep ? ` (scratch copy kept: ${scratch})` : '';
    console.log(`\nwalkthrough: ${steps} steps passed in ${seconds.toFixed(0)} s${kept}`);
  } catch (err) {
    // Once interrupted, the signal handler ends the process when everything is stopped.
    if (interrupted) await new Promise(() => undefined);
    throw err;
  }
}, USAGE);
