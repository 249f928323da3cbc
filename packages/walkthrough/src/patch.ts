import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The workflow as the chapter leaves it (the repository's code). */
export const WORKFLOW_FILE = 'packages/workflows/src/background-check.ts';
/** The workflow as the chapter finds it: the earlier chapter's code, without the sleep. */
export const BEFORE_SLEEP_FILE = 'packages/walkthrough/before-sleep/background-check.ts';
/** The chapter's change, as the page applies it (`git apply`) and undoes it (`git apply -R`). */
export const PATCH_FILE = 'docs/walkthrough/add-sleep.patch';

/** The chapter's change as a unified diff that `git apply` takes at the repository root. */
export function makePatch(source: string): string {
  // `git diff --no-index` of a/<file> and b/<file> in a temporary folder: the paths the patch names.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'walkthrough-diff-'));
  try {
    for (const [side, file] of [['a', BEFORE_SLEEP_FILE], ['b', WORKFLOW_FILE]] as const) {
      const to = path.join(dir, side, WORKFLOW_FILE);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(path.join(source, file), to);
    }
    const args = ['diff', '--no-index', '--no-color', '--no-ext-diff', '--no-prefix', `a/${WORKFLOW_FILE}`, `b/${WORKFLOW_FILE}`];
    const result = spawnSync('git', args, { encoding: 'utf8', cwd: dir });
    if (result.error || (result.status !== 0 && result.status !== 1)) {
      throw new Error(`Could not run git diff: ${result.error?.message ?? result.stderr}`);
    }
    // The ---/+++ headers and the hunks only (no "diff --git"/"index" lines).
    return result.stdout.slice(result.stdout.indexOf('--- '));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function writePatch(source: string): string {
  const file = path.join(source, PATCH_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, makePatch(source));
  return file;
}

/** The workflow file after `git apply [-R] patch` on the given text, or the error git gives. */
export function applyPatch(patch: string, workflowText: string, { reverse = false } = {}): { text?: string; error?: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'walkthrough-patch-'));
  try {
    const file = path.join(dir, WORKFLOW_FILE);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, workflowText);
    fs.writeFileSync(path.join(dir, 'change.patch'), patch);
    try {
      execFileSync('git', ['apply', ...(reverse ? ['-R'] : []), 'change.patch'], { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(dir) } });
    } catch (err) {
      return { error: ((err as { stderr?: Buffer }).stderr?.toString() || (err as Error).message).trim() };
    }
    return { text: fs.readFileSync(file, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What is wrong with the patch, the starting point and the end state; empty when all agree. */
export function patchProblems(source: string): string[] {
  const problems: string[] = [];
  const read = (f: string) => fs.readFileSync(path.join(source, f), 'utf8');
  const fix = `Regenerate it with \`pnpm walkthrough --write-patch\` (after updating ${BEFORE_SLEEP_FILE} if the workflow changed elsewhere).`;
  if (!fs.existsSync(path.join(source, PATCH_FILE))) return [`${PATCH_FILE} is missing. ${fix}`];
  const patch = read(PATCH_FILE);
  const before = read(BEFORE_SLEEP_FILE);
  const after = read(WORKFLOW_FILE);
  const forward = applyPatch(patch, before);
  if (forward.error !== undefined) problems.push(`${PATCH_FILE} does not apply to ${BEFORE_SLEEP_FILE}: ${forward.error}. ${fix}`);
  else if (forward.text !== after) problems.push(`${PATCH_FILE} applied to ${BEFORE_SLEEP_FILE} does not give ${WORKFLOW_FILE}. ${fix}`);
  const backward = applyPatch(patch, after, { reverse: true });
  if (backward.error !== undefined) problems.push(`\`git apply -R ${PATCH_FILE}\` fails on ${WORKFLOW_FILE}: ${backward.error}. ${fix}`);
  else if (backward.text !== before) problems.push(`\`git apply -R ${PATCH_FILE}\` on ${WORKFLOW_FILE} does not give ${BEFORE_SLEEP_FILE}. ${fix}`);
  // The chapter's starting point has no timer and no draw; the end state has both.
  if (/\bsleep\(|Math\.random|\blog\.info/.test(before)) problems.push(`${BEFORE_SLEEP_FILE} must be the workflow before the chapter's change: no sleep(), Math.random() or log.info().`);
  if (!/await sleep\('60 seconds'\)/.test(after) || !/log\.info\('Sleeping for 60 seconds'\)/.test(after)) {
    problems.push(`${WORKFLOW_FILE} no longer has the chapter's sleep('60 seconds') and log line; the walkthrough's change is out of date.`);
  }
  return problems;
}
