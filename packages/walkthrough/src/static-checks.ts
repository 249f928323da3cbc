import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TEMPORAL_CLI, findBinary } from '@background-check/servers';
import { PageProblem, parsePage, type Page } from './page';
import { patchProblems } from './patch';

export const PAGE_FILE = 'docs/walkthrough.md';

/** pnpm's own commands that a page may use besides the repository's scripts. */
const PNPM_COMMANDS = new Set(['install', 'i', 'exec', 'run', 'dlx', 'add', 'why', 'list', 'ls']);

/** Markdown outside fenced blocks (links inside code are not links). */
function prose(markdown: string): string {
  return markdown.replace(/^(\s*)(`{3,}|~{3,})[\s\S]*?^\1\2\s*$/gm, '');
}

/**
 * Links to files of the repository must point at something that exists; a link whose text is a
 * quoted test name ("...") must point at a file that has that test, so a claim never outlives its test.
 */
export function linkProblems(source: string, markdown: string, pageFile = PAGE_FILE): string[] {
  const problems: string[] = [];
  const dir = path.dirname(path.join(source, pageFile));
  for (const m of prose(markdown).matchAll(/\[((?:[^\][]|\[[^\]]*\])+)\]\(([^)\s]+)\)/g)) {
    const [, text, target] = m;
    if (/^(https?:|mailto:|#)/.test(target!)) continue;
    const file = path.resolve(dir, decodeURIComponent(target!.replace(/#.*$/, '')));
    if (!fs.existsSync(file)) {
      problems.push(`the link [${text}](${target}) points at ${path.relative(source, file)}, which does not exist.`);
      continue;
    }
    const quoted = /^["“](.+)["”]$/.exec(text!.trim());
    if (quoted && !fs.readFileSync(file, 'utf8').includes(quoted[1]!)) {
      problems.push(`the link [${text}](${target}) names a test that ${path.relative(source, file)} does not have (renamed or removed?).`);
    }
  }
  return problems;
}

/** `pnpm <script>` on the page: the script exists in the root package.json. */
export function scriptProblems(source: string, page: Page): string[] {
  const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {});
  const problems: string[] = [];
  const blocks = [...page.steps.map((s) => ({ text: s.kind === 'stop' ? '' : s.script, line: s.line })), ...page.skipped.map((s) => ({ text: s.script, line: s.line }))];
  for (const { text, line } of blocks) {
    for (const m of text.matchAll(/(?:^|[\s;&|(])pnpm((?:\s+-{1,2}[\w-]+)*)\s+([\w:.-]+)/g)) {
      const name = m[2]!;
      if (!scripts.includes(name) && !PNPM_COMMANDS.has(name)) problems.push(`line ${line}: \`pnpm ${name}\` is not a script of the root package.json.`);
    }
  }
  return problems;
}

/** `pnpm temporal ...` on the page: every --option exists for that command of the pinned CLI. */
export function cliOptionProblems(page: Page): string[] {
  const cli = findBinary(TEMPORAL_CLI);
  if (!cli) return ['the Temporal CLI was not found, so the options the page gives it cannot be checked (run `pnpm install`).'];
  const help = new Map<string, string>();
  const helpFor = (words: string[]): string => {
    const key = words.join(' ');
    if (!help.has(key)) help.set(key, spawnSync(cli, [...words, '--help'], { encoding: 'utf8' }).stdout ?? '');
    return help.get(key)!;
  };
  const globalOptions = helpFor(['options']) + spawnSync(cli, ['options'], { encoding: 'utf8' }).stdout;
  const problems: string[] = [];
  const blocks = [...page.steps.map((s) => ({ text: s.kind === 'stop' ? '' : s.script, line: s.line })), ...page.skipped.map((s) => ({ text: s.script, line: s.line }))];
  for (const { text, line } of blocks) {
    // One command per logical line (backslash continuations joined).
    for (const command of text.replace(/\\\n/g, ' ').split('\n')) {
      const m = /pnpm(?:\s+-s)?\s+temporal\s+(.*)$/.exec(command);
      if (!m) continue;
      const args = m[1]!.split(/\s+/);
      const firstOption = args.findIndex((a) => a.startsWith('-'));
      const words = (firstOption < 0 ? args : args.slice(0, firstOption)).filter((w) => /^[a-z-]+$/.test(w));
      const commandHelp = helpFor(words);
      for (const option of args.filter((a) => /^--[a-z][\w-]*$/.test(a.replace(/=.*$/, ''))).map((a) => a.replace(/=.*$/, ''))) {
        const known = new RegExp(`(^|[\\s,])${option}([\\s,=]|$)`, 'm');
        if (!known.test(commandHelp) && !known.test(globalOptions)) problems.push(`line ${line}: \`temporal ${words.join(' ')}\` has no option ${option}.`);
      }
    }
  }
  return problems;
}

/** Trailing spaces don't count (editors strip them from Markdown; a diff's blank context line has one). */
function comparable(text: string): string {
  return text.split('\n').map((l) => l.trimEnd()).join('\n').trim();
}

/** Code blocks marked `file path=...` show that file exactly; `excerpt path=...`, a part of it. */
export function fileBlockProblems(source: string, page: Page): string[] {
  const problems: string[] = [];
  for (const block of page.files) {
    const file = path.join(source, block.path);
    if (!fs.existsSync(file)) {
      problems.push(`line ${block.line}: the block shows ${block.path}, which does not exist.`);
      continue;
    }
    const text = comparable(fs.readFileSync(file, 'utf8'));
    const shown = comparable(block.text);
    if (block.whole ? text !== shown : !text.includes(shown)) {
      problems.push(`line ${block.line}: the block differs from ${block.path}; copy ${block.whole ? 'the file' : 'the part it shows'} into the page again.`);
    }
  }
  return problems;
}

/** Everything about the page that needs no server: empty when the page agrees with the repository. */
export function staticProblems(source: string, pageFile = PAGE_FILE): string[] {
  const markdown = fs.readFileSync(path.join(source, pageFile), 'utf8');
  let page: Page;
  try {
    page = parsePage(markdown, pageFile);
  } catch (err) {
    if (err instanceof PageProblem) return [err.message];
    throw err;
  }
  return [
    ...fileBlockProblems(source, page),
    ...patchProblems(source),
    ...linkProblems(source, markdown, pageFile),
    ...scriptProblems(source, page),
    ...cliOptionProblems(page),
  ];
}
