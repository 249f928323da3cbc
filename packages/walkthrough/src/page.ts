/**
 * Reads docs/walkthrough.md into the steps `pnpm walkthrough` runs. The page is the source of truth:
 * an HTML comment right above a fenced block says what the block is for, e.g.
 *
 *   <!-- walkthrough: run timeout=120 -->      the ```sh block below runs, in order
 *   <!-- walkthrough: expect -->               the ``` block below is what the step prints
 *
 * Directives: run, background, stop, expect, file, excerpt, skip; the page's last section, "How this
 * page is checked", describes them for writers.
 */
import fs from 'node:fs';

export type StepKind = 'run' | 'background' | 'stop';

export interface Expectation {
  /** The expected output, as written on the page. */
  text: string;
  /** Line of the block's first line in the page (1-based), for messages. */
  line: number;
}

export interface Step {
  kind: StepKind;
  /** Shell commands (run, background), or the block's text (stop). */
  script: string;
  line: number;
  /** Name of a background process (background, stop). */
  name?: string;
  /** Exit code the page says the command ends with (run). */
  exit: number;
  /** Bound on the step, in seconds. */
  timeoutSeconds: number;
  /** Variables to take from the output: VAR -> placeholder name, e.g. RUN_ID -> run-id. */
  capture: Record<string, string>;
  /** What the page says the step prints; several are alternatives (any one must match). */
  expect: Expectation[];
}

/** A block that shows a file of the repository: all of it (file) or a part (excerpt). */
export interface FileBlock {
  path: string;
  text: string;
  line: number;
  whole: boolean;
}

export interface Page {
  steps: Step[];
  files: FileBlock[];
  /** Shell blocks the page shows but does not run (Temporal Cloud, other terminals), with why. */
  skipped: { script: string; line: number; reason: string }[];
}

export class PageProblem extends Error {
  override name = 'PageProblem';
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
  }
}

interface Fence {
  info: string;
  text: string;
  /** Line of the opening fence. */
  line: number;
  /** The directive comment right above it, if any. */
  directive?: { name: string; attrs: Record<string, string>; line: number };
}

const DIRECTIVE = /^<!--\s*walkthrough:\s*(\S+)(.*?)\s*-->\s*$/;
const SHELL = /^(sh|bash|shell|console)$/;

function parseAttrs(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  // key=value, key="value with spaces", or a bare word (value "true").
  for (const m of text.matchAll(/(\w[\w-]*)(?:=(?:"([^"]*)"|(\S+)))?/g)) attrs[m[1]!] = m[2] ?? m[3] ?? 'true';
  return attrs;
}

function fences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, marker, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = lines[j]!.trim();
      if (close.startsWith(marker!) && close.replace(new RegExp(`^${marker![0] === '`' ? '`' : '~'}+`), '') === '') break;
      body.push(lines[j]!.startsWith(indent!) ? lines[j]!.slice(indent!.length) : lines[j]!);
    }
    // The directive sits on the nearest non-blank line above the fence.
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const d = k >= 0 ? DIRECTIVE.exec(lines[k]!.trim()) : null;
    out.push({
      info: info ?? '',
      text: body.join('\n'),
      line: i + 1,
      directive: d ? { name: d[1]!, attrs: parseAttrs(d[2] ?? ''), line: k + 1 } : undefined,
    });
    i = j;
  }
  return out;
}

/** Parses the page; every shell block must say whether it runs, so none goes unchecked by accident. */
export function parsePage(markdown: string, file = 'docs/walkthrough.md'): Page {
  const page: Page = { steps: [], files: [], skipped: [] };
  const background = new Set<string>();
  for (const f of fences(markdown)) {
    const d = f.directive;
    if (!d) {
      if (SHELL.test(f.info)) {
        throw new PageProblem(file, f.line, `a \`\`\`${f.info} block without a <!-- walkthrough: ... --> line above it. Mark it run, background, or skip reason="..." so the check knows what to do with it.`);
      }
      continue;
    }
    const timeoutSeconds = Number(d.attrs.timeout ?? 60);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new PageProblem(file, d.line, `timeout=${d.attrs.timeout} is not a positive number of seconds.`);
    const step = (kind: StepKind): Step => ({ kind, script: f.text, line: f.line, exit: 0, timeoutSeconds, capture: {}, expect: [] });
    switch (d.name) {
      case 'run': {
        const s = step('run');
        s.exit = Number(d.attrs.exit ?? 0);
        if (d.attrs.capture) {
          for (const pair of d.attrs.capture.split(',')) {
            const [name, placeholder] = pair.split(':');
            if (!name || !placeholder) throw new PageProblem(file, d.line, `capture=${d.attrs.capture}: write VAR:placeholder, e.g. capture=RUN_ID:run-id.`);
            s.capture[name] = placeholder;
          }
        }
        page.steps.push(s);
        break;
      }
      case 'background':
      case 'stop': {
        const name = d.attrs.name;
        if (!name) throw new PageProblem(file, d.line, `${d.name} needs name=... (the process it starts or stops).`);
        if (d.name === 'background') {
          if (background.has(name)) throw new PageProblem(file, d.line, `"${name}" is already running here: stop it first.`);
          background.add(name);
        } else {
          if (!background.has(name)) throw new PageProblem(file, d.line, `nothing named "${name}" is running at this point of the page.`);
          background.delete(name);
        }
        const s: Step = { ...step(d.name), name };
        // A stop block shows what the process prints once stopped: it is its own expectation.
        if (d.name === 'stop') s.expect.push({ text: f.text, line: f.line + 1 });
        page.steps.push(s);
        break;
      }
      case 'expect': {
        const last = page.steps[page.steps.length - 1];
        if (!last) throw new PageProblem(file, d.line, 'an expect block before any step.');
        if (last.expect.length > 0 && d.attrs.or !== 'true') {
          throw new PageProblem(file, d.line, 'a second expect block for the same step: mark it <!-- walkthrough: expect or --> if it is an alternative.');
        }
        last.expect.push({ text: f.text, line: f.line + 1 });
        break;
      }
      case 'file':
      case 'excerpt':
        if (!d.attrs.path) throw new PageProblem(file, d.line, `${d.name} needs path=... (the repository file the block shows).`);
        page.files.push({ path: d.attrs.path, text: f.text, line: f.line + 1, whole: d.name === 'file' });
        break;
      case 'skip':
        if (!d.attrs.reason) throw new PageProblem(file, d.line, 'skip needs reason="..." (why the check does not run it).');
        page.skipped.push({ script: f.text, line: f.line, reason: d.attrs.reason });
        break;
      default:
        throw new PageProblem(file, d.line, `unknown directive "${d.name}" (known: run, background, stop, expect, file, excerpt, skip).`);
    }
  }
  if (background.size > 0) {
    throw new PageProblem(file, markdown.split('\n').length, `the page never stops ${[...background].join(', ')}: add a stop step.`);
  }
  return page;
}

export function readPage(file: string): Page {
  return parsePage(fs.readFileSync(file, 'utf8'), file);
}
