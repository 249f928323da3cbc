/**
 * Compares a command's output with what the page says it prints.
 *
 * - Lines are compared one by one, in order, after trimming and collapsing runs of spaces (the CLI
 *   pads its table columns to the widest value).
 * - A line `...` stands for any number of lines (none included).
 * - Placeholders stand for what differs from run to run: <run-id>, <time>, <n>, <seconds>,
 *   <duration>, <path>, <signal>, <any>.
 */

export const PLACEHOLDERS: Record<string, string> = {
  'run-id': '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  time: '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z',
  n: '\\d+',
  seconds: '\\d+(?:\\.\\d+)?',
  duration: '(?:\\d+(?:\\.\\d+)?(?:ns|µs|us|ms|s|m|h))+',
  path: '\\S+',
  signal: 'SIG[A-Z]+',
  any: '.*?',
};

const ELLIPSIS = '...';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function normalizeLine(line: string): string {
  return line.replace(ANSI, '').replace(/\s+/g, ' ').trim();
}

/** Output as comparable lines: normalized, without trailing blank lines. */
export function outputLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map(normalizeLine);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

interface LinePattern {
  source: string;
  regex: RegExp;
  /** Placeholder names in the order their groups appear. */
  names: string[];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function linePattern(expected: string): LinePattern {
  const names: string[] = [];
  let source = '';
  let rest = normalizeLine(expected);
  const token = /<([a-z-]+)>/;
  for (;;) {
    const m = token.exec(rest);
    if (!m) break;
    const name = m[1]!;
    source += escapeRegex(rest.slice(0, m.index));
    if (PLACEHOLDERS[name] !== undefined) {
      source += `(${PLACEHOLDERS[name]})`;
      names.push(name);
    } else {
      source += escapeRegex(m[0]); // not a placeholder: literal text, e.g. "<payload>"
    }
    rest = rest.slice(m.index + m[0].length);
  }
  source += escapeRegex(rest);
  return { source, regex: new RegExp(`^${source}$`), names };
}

export interface MatchResult {
  ok: boolean;
  /** Values of placeholders, in order of appearance, per name. */
  values: Record<string, string[]>;
  /** On failure: the first expected line no alignment got past, and the output line it met there. */
  expectedLine?: number;
  actualLine?: string;
  /**
   * On failure in prefix mode: true when more output cannot help (a line that is there already
   * differs, and the block has no `...` to absorb it).
   */
  final?: boolean;
}

/**
 * Matches output against the expectation. `prefix`: the output may go on after the last expected
 * line (a background process that is still running).
 */
export function matchOutput(expectedText: string, actualText: string, { prefix = false } = {}): MatchResult {
  const expected = outputLines(expectedText);
  const patterns = expected.map((l) => (l === ELLIPSIS ? null : linePattern(l)));
  const actual = outputLines(actualText);
  // The furthest expected line reached, for a useful message when nothing matches.
  let best = { e: 0, a: 0 };
  const failed = new Set<string>();

  const match = (e: number, a: number): Record<string, string[]> | null => {
    if (e > best.e || (e === best.e && a > best.a)) best = { e, a };
    if (e === patterns.length) return prefix || a === actual.length ? {} : null;
    const key = `${e}:${a}`;
    if (failed.has(key)) return null;
    const p = patterns[e];
    let result: Record<string, string[]> | null = null;
    if (p === null) {
      for (let k = a; k <= actual.length && !result; k++) result = match(e + 1, k);
    } else if (a < actual.length) {
      const m = p.regex.exec(actual[a]!);
      if (m) {
        const rest = match(e + 1, a + 1);
        if (rest) {
          result = {};
          p.names.forEach((name, i) => (result![name] ??= []).push(m[i + 1]!));
          for (const [name, vals] of Object.entries(rest)) (result[name] ??= []).push(...vals);
        }
      }
    }
    if (!result) failed.add(key);
    return result;
  };

  const values = match(0, 0);
  if (values) return { ok: true, values };
  const final = !prefix || (best.a < actual.length && !expected.includes(ELLIPSIS));
  return { ok: false, values: {}, expectedLine: best.e, actualLine: actual[best.a], final };
}

/** A readable account of a mismatch: the page's block and what the command printed. */
export function describeMismatch(expectedText: string, actualText: string, result: MatchResult): string {
  const expected = outputLines(expectedText);
  const where =
    result.expectedLine !== undefined && result.expectedLine < expected.length
      ? `The page's line ${result.expectedLine + 1} of the block, "${expected[result.expectedLine]}", did not match${result.actualLine !== undefined ? ` the output line "${result.actualLine}"` : ' (the output ended)'}.`
      : 'The output has more lines than the page shows.';
  const indent = (t: string) => t.split('\n').map((l) => `    | ${l}`).join('\n');
  return `${where}\n  The page says:\n${indent(expectedText)}\n  The command printed:\n${indent(actualText.trimEnd() || '(nothing)')}`;
}
