// Compares a command's output with the page's block: line by line, ignoring runs of spaces (the CLI pads its tables)
// and colours. A line `...` stands for any lines, none included; <placeholders> for what differs between runs.
const PLACEHOLDERS: Record<string, string> = {
  'run-id': '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  time: '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z',
  n: '\\d+',
  seconds: '\\d+(?:\\.\\d+)?',
  path: '\\S+',
  any: '.*?',
};

// eslint-disable-next-line no-control-regex
const COLOURS = /\u001b\[[0-9;?]*[A-Za-z]/g;
const normalize = (line: string) => line.replace(COLOURS, '').replace(/\s+/g, ' ').trim();

export function outputLines(text: string): string[] {
  const lines = text.split(/\r?\n/).map(normalize);
  while (lines.at(-1) === '') lines.pop();
  return lines;
}

function linePattern(line: string, names: string[]): string {
  return line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<([a-z-]+)>/g, (text, name: string) => {
    if (!PLACEHOLDERS[name]) return text;
    names.push(name);
    return `(${PLACEHOLDERS[name]})`;
  });
}

/** Each placeholder's values, in order. `prefix`: the output may go on after the block (a process still running). */
export function matchOutput(expected: string, actual: string, prefix = false) {
  const names: string[] = [];
  const lines = outputLines(expected).map((l) => (l === '...' ? '(?:.*\\n)*?' : `${linePattern(l, names)}\\n`));
  const text = outputLines(actual).map((l) => `${l}\n`);
  const m = new RegExp(`^${lines.join('')}${prefix ? '' : '$'}`).exec(text.join(''));
  const values: Record<string, string[]> = {};
  if (m) names.forEach((name, i) => (values[name] ??= []).push(m[i + 1]!));
  return { ok: m !== null, values };
}

/** Which line of the block the output first departs from (the longest part of it that matches), and both texts. */
export function describeMismatch(expected: string, actual: string): string {
  const lines = outputLines(expected);
  let matched = lines.length;
  while (matched > 0 && !matchOutput(lines.slice(0, matched).join('\n'), actual, true).ok) matched--;
  const where =
    matched < lines.length
      ? `From the page's line ${matched + 1} of the block, "${lines[matched]}", the output differs.`
      : 'The output has more lines than the page shows.';
  const quote = (text: string) => (text.trimEnd() || '(nothing)').replace(/^/gm, '    | ');
  return `${where}\n  The page says:\n${quote(expected)}\n  The command printed:\n${quote(actual)}`;
}
