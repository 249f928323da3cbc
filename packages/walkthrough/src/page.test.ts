import { describeMismatch, matchOutput } from './expect';
import { UserError } from '@background-check/common';
import { parsePage } from './page';

const page = (...blocks: string[]) => blocks.join('\n\n');
const sh = (directive: string, body: string) => `<!-- walkthrough: ${directive} -->\n\`\`\`sh\n${body}\n\`\`\``;
const text = (directive: string, body: string) => `<!-- walkthrough: ${directive} -->\n\`\`\`text\n${body}\n\`\`\``;

describe('reading the page', () => {
  it('turns marked blocks into steps in page order, with their expected output and bounds', () => {
    const parsed = parsePage(
      page(
        '# Title',
        sh('background name=server timeout=90', 'pnpm start:server'),
        text('expect', 'Ctrl-C to stop.'),
        sh('run capture=RUN_ID:run-id', 'pnpm start:workflow'),
        text('expect', 'run id <run-id>'),
        sh('run exit=1', 'pnpm test:replay'),
        text('expect', 'FAIL'),
        text('expect or', 'also FAIL'),
        text('stop name=server', 'Dev server stopped.'),
        sh('skip reason="needs Temporal Cloud"', 'pnpm temporal workflow show --tls-cert-path x'),
        '<!-- walkthrough: excerpt path=a/b.ts -->\n```ts\nconst x = 1;\n```',
        '```ts\nnot checked: no directive, not shell\n```',
      ),
    );
    expect(parsed.steps.map((s) => [s.kind, s.name, s.script, s.exit, s.timeoutSeconds, s.expect])).toEqual([
      ['background', 'server', 'pnpm start:server', 0, 90, ['Ctrl-C to stop.']],
      ['run', undefined, 'pnpm start:workflow', 0, 60, ['run id <run-id>']],
      ['run', undefined, 'pnpm test:replay', 1, 60, ['FAIL', 'also FAIL']],
      ['stop', 'server', 'Dev server stopped.', 0, 60, ['Dev server stopped.']],
    ]);
    expect(parsed.steps.map((s) => s.line)).toEqual([4, 14, 24, 39]);
    expect(parsed.steps[1]!.capture).toEqual({ RUN_ID: 'run-id' });
    expect(parsed.skipped).toEqual([expect.objectContaining({ reason: 'needs Temporal Cloud' })]);
    expect(parsed.files).toEqual([expect.objectContaining({ path: 'a/b.ts', text: 'const x = 1;', whole: false })]);
  });

  it.each([
    ['a shell block with no directive', '```sh\npnpm test\n```', /needs a <!-- walkthrough: \.\.\. --> line/],
    ['an unknown directive', sh('runn', 'ls'), /unknown directive "runn"/],
    [
      'a second expect block not marked as an alternative',
      page(sh('run', 'ls'), text('expect', 'a'), text('expect', 'b')),
      /expect or/,
    ],
    ['an expect block before any step', text('expect', 'a'), /before any step/],
    ['stopping what was never started', text('stop name=worker', 'Worker stopped.'), /nothing named "worker"/],
    ['a background process left running', page(sh('background name=w', 'x'), text('expect', 'ready')), /never stops w/],
    [
      'a background step with no output to wait for',
      page(sh('background name=w', 'x'), text('stop name=w', '')),
      /needs an expect/,
    ],
    ['a skip without its reason', sh('skip', 'ls'), /reason=/],
    ['a bad timeout', sh('run timeout=soon', 'ls'), /timeout=soon/],
    ['a capture without its placeholder', sh('run capture=RUN_ID', 'ls'), /VAR:placeholder/],
  ])('refuses %s, naming the line', (_what, markdown, message) => {
    expect(() => parsePage(markdown, 'page.md')).toThrow(UserError);
    expect(() => parsePage(markdown, 'page.md')).toThrow(message);
    expect(() => parsePage(markdown, 'page.md')).toThrow(/^page\.md:\d+: /);
  });
});

describe('comparing output with the page', () => {
  it('matches line by line, ignoring runs of spaces and colours, with placeholders for what changes', () => {
    const result = matchOutput(
      'Started: run id <run-id>\n  ID   Time   Type\n    1  <time>  WorkflowExecutionStarted\nReplayed <n> histories in <seconds> s.',
      'Started: run id 01a1ff5a-3288-76bb-9636-8a40028c344e\nID Time Type\n1    2026-11-21T18:24:26Z   \u001b[32mWorkflowExecutionStarted\u001b[0m   \nReplayed 21 histories in 1.6 s.\n\n',
    );
    expect(result).toEqual({
      ok: true,
      values: {
        'run-id': ['01a1ff5a-3288-76bb-9636-8a40028c344e'],
        time: ['2026-11-21T18:24:26Z'],
        n: ['21'],
        seconds: ['1.6'],
      },
    });
  });

  it('fails on a changed word, a missing line, an extra line, or a value of the wrong shape', () => {
    expect(matchOutput('Result: "pass"', 'Result: "pass"').ok).toBe(true);
    expect(matchOutput('Result: "pass"', 'Result: "fail"').ok).toBe(false);
    expect(matchOutput('a\nb', 'a').ok).toBe(false);
    expect(matchOutput('a', 'a\nb').ok).toBe(false);
    expect(matchOutput('run id <run-id>', 'run id not-a-uuid').ok).toBe(false);
    expect(matchOutput('', '').ok).toBe(true);
    expect(matchOutput('', 'something').ok).toBe(false);
  });

  it('lets "..." stand for any number of lines, none included', () => {
    const expected = 'Bundling...\n...\nFAIL  run-<n>.json\n...\nreplay: <n> passed, <n> failed';
    expect(
      matchOutput(expected, 'Bundling...\nPASS  a.json\nFAIL  run-7.json\nPASS  b.json\nreplay: 1 passed, 1 failed').ok,
    ).toBe(true);
    expect(matchOutput(expected, 'Bundling...\nFAIL  run-7.json\nreplay: 0 passed, 1 failed').ok).toBe(true);
    expect(matchOutput(expected, 'Bundling...\nPASS  a.json\nreplay: 1 passed, 0 failed').ok).toBe(false);
  });

  it('treats unknown <words> as text', () => {
    expect(matchOutput('a <payload> b', 'a <payload> b').ok).toBe(true);
    expect(matchOutput('a <payload> b', 'a x b').ok).toBe(false);
  });

  it('for a process still running, accepts more output after the block, but not a block half printed', () => {
    expect(matchOutput('Worker started', 'Worker started\n[INFO] polling', true).ok).toBe(true);
    expect(matchOutput('Worker started', 'Worker started\n[INFO] polling').ok).toBe(false);
    expect(matchOutput('Bundling...\nWorker started', 'Bundling...', true).ok).toBe(false);
    expect(matchOutput('...\nready at <path>', 'banner\nready at localhost:7233\nmore', true).ok).toBe(true);
  });

  it('describes a mismatch with the first line that differs, the page block, and the output', () => {
    const message = describeMismatch('Started\n...\nResult: "pass"\nDone', 'Started\nlog line\nResult: "fail"\nDone');
    expect(message).toContain('From the page\'s line 3 of the block, "Result: "pass"", the output differs.');
    expect(message).toContain('    | Result: "fail"');
    expect(describeMismatch('a', 'a\nb')).toContain('more lines than the page shows');
    expect(describeMismatch('a\nb', 'a')).toContain('line 2 of the block, "b"');
  });
});
