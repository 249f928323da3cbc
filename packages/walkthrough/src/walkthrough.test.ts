// `pnpm walkthrough` in CI: every command of docs/walkthrough.md, in order, in a scratch copy of the
// repository against its own dev server (free ports), each output compared with the page.
// About 40 s, plus 60 s when the new code's run draws the timer (half the time); bounded per step.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@background-check/servers';
import { readPage } from './page';
import { runWalkthrough } from './run';
import { processesMentioning, stopAll } from './shell';

jest.setTimeout(600_000);

// Should the test itself fail or time out: nothing it started may run on.
afterAll(stopAll);

test('docs/walkthrough.md runs as written: every step prints what the page shows', async () => {
  const root = repoRoot();
  const lines: string[] = [];
  const report = await runWalkthrough({ source: root, log: (line) => lines.push(line) });
  const page = readPage(path.join(root, 'docs', 'walkthrough.md'));
  expect(report.steps.map((s) => s.line)).toEqual(page.steps.map((s) => s.line));
  // The scratch copy is gone, with everything the walkthrough changed, and nothing it started runs on.
  expect(fs.existsSync(report.scratch)).toBe(false);
  expect(processesMentioning(report.scratch)).toEqual([]);
  console.log(`walkthrough: ${report.steps.length} steps in ${report.seconds.toFixed(0)} s\n${lines.join('\n')}`);
});
