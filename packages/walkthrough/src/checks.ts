// What the page says about the repository, checked without a server: the files its blocks show, the
// chapter's change as a patch, links (and the tests they name), pnpm scripts and Temporal CLI options.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@background-check/common';
import { findTemporalCli } from '@background-check/servers';
import { parsePage, type Page } from './page';

export const ROOT = repoRoot();
export const PAGE_FILE = 'docs/walkthrough.md';
export const WORKFLOW_FILE = 'packages/workflows/src/background-check.ts';
/** The workflow as the chapter finds it, before its change. */
export const BEFORE_SLEEP_FILE = 'packages/walkthrough/fixtures/before-sleep/background-check.ts';
export const PATCH_FILE = 'docs/walkthrough/add-sleep.patch';

/** The chapter's change as `git apply` takes it at the repository root: the starting point to the workflow. */
export function makePatch(source: string): string {
  const args = ['diff', '--no-index', '--no-color', '--no-ext-diff', '--', BEFORE_SLEEP_FILE, WORKFLOW_FILE];
  const diff = spawnSync('git', args, { cwd: source, encoding: 'utf8' });
  if (diff.status !== 1) throw new Error(`git diff found no change, or failed: ${diff.error?.message ?? diff.stderr}`);
  // Both sides named as the one file the patch changes.
  return `--- a/${WORKFLOW_FILE}\n+++ b/${WORKFLOW_FILE}\n${diff.stdout.slice(diff.stdout.indexOf('\n@@') + 1)}`;
}

export function patchProblems(source: string): string[] {
  const patch = path.join(source, PATCH_FILE);
  if (fs.existsSync(patch) && fs.readFileSync(patch, 'utf8') === makePatch(source)) return [];
  return [`${PATCH_FILE} is not the change from ${BEFORE_SLEEP_FILE}: pnpm walkthrough --write-patch.`];
}

/** Links must resolve; a link whose text is a quoted test name must point at a file that has that test. */
export function linkProblems(source: string, markdown: string, pageFile = PAGE_FILE): string[] {
  const prose = markdown.replace(/^(`{3,}|~{3,})[\s\S]*?^\1\s*$/gm, '');
  return [...prose.matchAll(/\[((?:[^\][]|\[[^\]]*\])+)\]\(([^)\s#]+)[^)\s]*\)/g)].flatMap(([link, text, target]) => {
    if (/^(https?|mailto):/.test(target!)) return [];
    const file = path.resolve(source, path.dirname(pageFile), decodeURIComponent(target!));
    const quoted = /^["“](.+)["”]$/.exec(text!.trim())?.[1];
    if (!fs.existsSync(file)) return [`the link ${link} points at a file that does not exist.`];
    if (!quoted || fs.readFileSync(file, 'utf8').includes(quoted)) return [];
    return [`the link ${link} names a test that ${path.relative(source, file)} does not have (renamed or removed?).`];
  });
}

/**
 * `pnpm <name>` on the page is a script of the root package.json or one of pnpm's own commands, and
 * `pnpm temporal <command> --option` an option of the pinned CLI, in the blocks that are not run too.
 */
export function commandProblems(source: string, page: Page): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')) as { scripts?: object };
  const scripts = new Set([...Object.keys(pkg.scripts ?? {}), 'install', 'i', 'exec', 'run', 'dlx']);
  const help = (args: string[]) => spawnSync(findTemporalCli(), args, { encoding: 'utf8' }).stdout ?? '';
  const globalOptions = help(['options']);
  const blocks = [...page.steps.filter((s) => s.kind !== 'stop'), ...page.skipped];
  // One command a line, continuation lines joined.
  const split = (script: string) => script.replace(/\\\n/g, ' ').split('\n');
  const commands = blocks.flatMap(({ script, line }) => split(script).map((c) => [c, line] as const));
  return commands.flatMap(([command, line]) => {
    const unknown = [...command.matchAll(/(?:^|[\s;&|(])pnpm(?:\s+-{1,2}[\w-]+)*\s+([\w:.-]+)/g)]
      .filter(([, name]) => !scripts.has(name!))
      .map(([, name]) => `line ${line}: \`pnpm ${name}\` is not a script of the root package.json.`);
    const args = /pnpm(?:\s+-s)?\s+temporal\s+(.*)$/.exec(command)?.[1]?.split(/\s+/) ?? [];
    if (args.length === 0) return unknown;
    const firstOption = args.findIndex((a) => a.startsWith('-'));
    const words = args.slice(0, firstOption < 0 ? undefined : firstOption);
    const commandHelp = help([...words.filter((w) => /^[a-z-]+$/.test(w)), '--help']) + globalOptions;
    const options = args
      .map((arg) => /^--[a-z][\w-]*/.exec(arg)?.[0])
      .filter((option) => option && !new RegExp(`(^|[\\s,])${option}([\\s,=]|$)`, 'm').test(commandHelp))
      .map((option) => `line ${line}: \`temporal ${words.join(' ')}\` has no option ${option}.`);
    return [...unknown, ...options];
  });
}

/** A `file path=...` block shows that file exactly; an `excerpt path=...`, a part of it (trailing spaces aside). */
export function fileBlockProblems(source: string, page: Page): string[] {
  const comparable = (text: string) => text.replace(/[ \t]+$/gm, '').trim();
  return page.files.flatMap(({ path: file, text, line, whole }) => {
    if (!fs.existsSync(path.join(source, file))) return [`line ${line}: the block shows ${file}, which is gone.`];
    const [content, shown] = [comparable(fs.readFileSync(path.join(source, file), 'utf8')), comparable(text)];
    if (whole ? content === shown : content.includes(shown)) return [];
    return [`line ${line}: the block differs from ${file}; copy ${whole ? 'the file' : 'its part'} again.`];
  });
}

/** Everything about the page that needs no server; empty when the page agrees with the repository. */
export function staticProblems(source: string): string[] {
  const markdown = fs.readFileSync(path.join(source, PAGE_FILE), 'utf8');
  const page = parsePage(markdown, PAGE_FILE);
  const files = [...fileBlockProblems(source, page), ...patchProblems(source), ...linkProblems(source, markdown)];
  return [...files, ...commandProblems(source, page)];
}
