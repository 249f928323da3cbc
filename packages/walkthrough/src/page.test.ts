import { describeMismatch, matchOutput } from './expect';
import { PageProblem, parsePage } from './page';

const page = (...blocks: string[]) => blocks.join('\n\n');
const sh = (directive: string, body: string) => `<!-- walkthrough: ${directive} -->\n\`\`\`sh\n${body}\n\`\`\``;
const text = (directive: string, body: string) => `<!-- walkthrough: ${directive} -->\n\`\`\`text\n${body}\n\`\`\``;

describe('reading the page', () => {
  it('turns marked blocks into steps in page order, with their expected output and bounds', () => {
    const parsed = parsePage(
      page(
        '# Title',
        sh('background name=server timeout=90', 'pnpm server'),
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
    expect(parsed.steps.map((s) => [s.kind, s.script, s.exit, s.timeoutSeconds])).toEqual([
      ['background', 'pnpm server', 0, 90],
      ['run', 'pnpm start:workflow', 0, 60],
      ['run', 'pnpm test:replay', 1, 60],
      ['stop', 'Dev server stopped.', 0, 60],
    ]);
    expect(parsed.steps[1]!.capture).toEqual({ RUN_ID: 'run-id' });
    expect(parsed.steps[2]!.expect.map((e) => e.text)).toEqual(['FAIL', 'also FAIL']);
    expect(parsed.steps[3]!.expect.map((e) => e.text)).toEqual(['Dev server stopped.']);
    expect(parsed.skipped).toEqual([expect.objectContaining({ reason: 'needs Temporal Cloud' })]);
    expect(parsed.files).toEqual([expect.objectContaining({ path: 'a/b.ts', text: 'const x = 1;', whole: false })]);
  });

  it.each([
    ['a shell block with no directive', '```sh\npnpm test\n```', /without a <!-- walkthrough: \.\.\. --> line/],
    ['an unknown directive', sh('runn', 'ls'), /unknown directive "runn"/],
    ['a second expect block not marked as an alternative', page(sh('run', 'ls'), text('expect', 'a'), text('expect', 'b')), /expect or/],
    ['an expect block before any step', text('expect', 'a'), /before any step/],
    ['stopping what was never started', text('stop name=worker', 'Worker stopped.'), /nothing named "worker"/],
    ['a background process left running', sh('background name=worker', 'pnpm start:worker'), /never stops worker/],
    ['a skip without its reason', sh('skip', 'ls'), /reason=/],
    ['a bad timeout', sh('run timeout=soon', 'ls'), /timeout=soon/],
  ])('refuses %s, naming the line', (_what, markdown, message) => {
    expect(() => parsePage(markdown, 'page.md')).toThrow(PageProblem);
    expect(() => parsePage(markdown, 'page.md')).toThrow(message);
    expect(() => parsePage(markdown, 'page.md')).toThrow(/^page\.md:\d+: /);
  });
});

describe('comparing output with the page', () => {
  it('matches line by line, ignoring runs of spaces, with placeholders for what changes', () => {
    const result = matchOutput(
      'Started BackgroundCheck: run id <run-id>\n  ID   Time   Type\n    1  <time>  WorkflowExecutionStarted\nReplayed <n> histories in <seconds> s.',
      'Started BackgroundCheck: run id 01a1ff5a-3288-76bb-9636-8a40028c344e\nID Time Type\n1    2026-11-21T18:24:26Z   WorkflowExecutionStarted   \nReplayed 21 histories in 1.6 s.\n\n',
    );
    expect(result.ok).toBe(true);
    expect(result.values['run-id']).toEqual(['01a1ff5a-3288-76bb-9636-8a40028c344e']);
  });

  it('fails on a changed word, a missing line, or an extra line', () => {
    expect(matchOutput('Result: "pass"', 'Result: "fail"').ok).toBe(false);
    expect(matchOutput('a\nb', 'a').ok).toBe(false);
    expect(matchOutput('a', 'a\nb').ok).toBe(false);
    expect(matchOutput('run id <run-id>', 'run id not-a-uuid').ok).toBe(false);
  });

  it('lets "..." stand for any number of lines, none included', () => {
    const expected = 'Bundling...\n...\nFAIL  run-<n>.json\n...\nreplay: <n> passed, <n> failed';
    expect(matchOutput(expected, 'Bundling...\nPASS  a.json\nFAIL  run-7.json\nPASS  b.json\nreplay: 1 passed, 1 failed').ok).toBe(true);
    expect(matchOutput(expected, 'Bundling...\nFAIL  run-7.json\nreplay: 0 passed, 1 failed').ok).toBe(true);
    expect(matchOutput(expected, 'Bundling...\nPASS  a.json\nreplay: 1 passed, 0 failed').ok).toBe(false);
  });

  it('treats unknown <words> as text', () => {
    expect(matchOutput('a <payload> b', 'a <payload> b').ok).toBe(true);
    expect(matchOutput('a <payload> b', 'a x b').ok).toBe(false);
  });

  it('for a process still running, accepts more output after the expected lines, and says when more cannot help', () => {
    expect(matchOutput('Worker started', 'Worker started\n[INFO] polling', { prefix: true }).ok).toBe(true);
    const waiting = matchOutput('Bundling...\nWorker started', 'Bundling...', { prefix: true });
    expect(waiting).toMatchObject({ ok: false, final: false });
    const wrong = matchOutput('Bundling...\nWorker started', 'Bundling...\nWorker failed: no server', { prefix: true });
    expect(wrong).toMatchObject({ ok: false, final: true });
  });

  it('describes a mismatch with the first line that differs, the page block, and the output', () => {
    const expected = 'Started\nResult: "pass"';
    const actual = 'Started\nResult: "fail"';
    const message = describeMismatch(expected, actual, matchOutput(expected, actual));
    expect(message).toContain('line 2 of the block, "Result: "pass"", did not match the output line "Result: "fail""');
    expect(message).toContain('| Result: "fail"');
  });
});
