// Reads docs/walkthrough.md into what `pnpm walkthrough` checks. An HTML comment right above a fenced
// block says what the block is, e.g. `<!-- walkthrough: run timeout=120 -->` above a ```sh block;
// the page's last section, "How this page is checked", describes the directives for writers.
import { UserError } from '@background-check/common';
export interface Step {
  kind: 'run' | 'background' | 'stop';
  /** Shell commands (run, background); for stop, what the process prints once stopped. */
  script: string;
  line: number;
  name?: string;
  exit: number;
  timeoutSeconds: number;
  /** VAR -> placeholder: later steps get the placeholder's value as $VAR. */
  capture: Record<string, string>;
  /** What the step prints; more than one block are alternatives. */
  expect: string[];
}

export interface Page {
  steps: Step[];
  /** Blocks that show a file of the repository: all of it (whole) or a part. */
  files: { path: string; text: string; line: number; whole: boolean }[];
  skipped: { script: string; line: number; reason: string }[];
}

const DIRECTIVE = /^<!--\s*walkthrough:\s*(\S+)(.*?)\s*-->$/;

export function parsePage(markdown: string, file = 'docs/walkthrough.md'): Page {
  const page: Page = { steps: [], files: [], skipped: [] };
  const lines = markdown.split('\n');
  const running = new Set<string>();
  const check = (ok: unknown, line: number, problem: string) => {
    if (!ok) throw new UserError(`${file}:${line}: ${problem}`);
  };
  for (let i = 0; i < lines.length; i++) {
    const [, fence, info] = /^(`{3,}|~{3,})\s*(\S*)/.exec(lines[i]!) ?? [];
    if (!fence) continue;
    const start = i + 1;
    const body: string[] = [];
    while (++i < lines.length && !(lines[i]!.startsWith(fence) && /^(`+|~+)\s*$/.test(lines[i]!))) body.push(lines[i]!);
    const text = body.join('\n');
    // The directive is the nearest non-blank line above the fence.
    let at = start - 1;
    while (at > 0 && lines[at - 1]!.trim() === '') at--;
    const [, kind, rest = ''] = DIRECTIVE.exec(lines[at - 1]?.trim() ?? '') ?? [];
    const shell = /^(sh|bash|shell|console)$/.test(info!);
    check(kind || !shell, start, 'a shell block needs a <!-- walkthrough: ... --> line: run, background or skip.');
    if (!kind) continue;
    const attrs: Record<string, string> = {};
    for (const m of rest.matchAll(/(\w[\w-]*)(?:=(?:"([^"]*)"|(\S+)))?/g)) attrs[m[1]!] = m[2] ?? m[3] ?? 'true';
    const { name, path, reason } = attrs;
    const timeoutSeconds = Number(attrs.timeout ?? 60);
    check(timeoutSeconds > 0, at, `timeout=${attrs.timeout} is not a positive number of seconds.`);
    const step = { script: text, line: start, name, exit: Number(attrs.exit ?? 0), timeoutSeconds, capture: {} };
    if (kind === 'run') {
      const pairs = (attrs.capture?.split(',') ?? []).map((pair) => pair.split(':'));
      const complete = pairs.every(([v, p]) => v && p);
      check(complete, at, `capture=${attrs.capture}: write VAR:placeholder, e.g. RUN_ID:run-id.`);
      page.steps.push({ ...step, kind, capture: Object.fromEntries(pairs), expect: [] });
    } else if (kind === 'background' || kind === 'stop') {
      check(name, at, `${kind} needs name=... (the process it starts or stops).`);
      check(kind === 'stop' || !running.has(name!), at, `"${name}" is already running here: stop it first.`);
      check(kind === 'background' || running.delete(name!), at, `nothing named "${name}" is running at this point.`);
      if (kind === 'background') running.add(name!);
      page.steps.push({ ...step, kind, expect: kind === 'stop' ? [text] : [] });
    } else if (kind === 'expect') {
      const last = page.steps.at(-1);
      check(last, at, 'an expect block before any step.');
      check(!last!.expect.length || attrs.or, at, 'a second expect block for one step: mark it `expect or`.');
      last!.expect.push(text);
    } else if (kind === 'file' || kind === 'excerpt') {
      check(path, at, `${kind} needs path=... (the repository file the block shows).`);
      page.files.push({ path: path!, text, line: start, whole: kind === 'file' });
    } else {
      check(kind === 'skip', at, `unknown directive "${kind}" (see "How this page is checked").`);
      check(reason, at, 'skip needs reason="..." (why the check does not run it).');
      page.skipped.push({ script: text, line: start, reason });
    }
  }
  check(running.size === 0, lines.length, `the page never stops ${[...running].join(', ')}: add a stop step.`);
  const silent = page.steps.find((s) => s.kind === 'background' && s.expect.length === 0);
  check(!silent, silent?.line ?? 0, 'a background step needs an expect block: the output that shows it is ready.');
  return page;
}
