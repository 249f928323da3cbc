// `pnpm walkthrough` as a test: every command of docs/walkthrough.md, in order, in a scratch copy of
// the repository against the dev server the page starts (free ports), each output compared with the
// page. Half the time the new code's run draws the 60 s timer; each step has its own bound.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PAGE_FILE, ROOT, staticProblems } from './checks';
import { parsePage } from './page';
import { cleanUp, runWalkthrough } from './run';

// Should the test fail or time out, nothing it started may run on.
afterAll(cleanUp);

test('docs/walkthrough.md runs as written: every step prints what the page shows', async () => {
  expect(staticProblems(ROOT)).toEqual([]);
  const lines: string[] = [];
  const report = await runWalkthrough({ source: ROOT, log: (line) => lines.push(line) });
  expect(report.steps).toBe(parsePage(fs.readFileSync(path.join(ROOT, PAGE_FILE), 'utf8')).steps.length);
  expect(lines.filter((line) => /^ +ok \(/.test(line))).toHaveLength(report.steps);
  // The scratch copy is gone, with everything the walkthrough changed, and nothing it started runs on.
  expect(fs.existsSync(report.scratch)).toBe(false);
  const left = execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  expect(left.filter((line) => line.includes(report.scratch))).toEqual([]);
  // pnpm installed nothing in the copy: that would relink the package store the copy shares with the source.
  const copied = `*${path.basename(report.scratch)}*`;
  expect(
    execFileSync('find', [path.join(ROOT, 'node_modules'), '-maxdepth', '3', '-lname', copied], { encoding: 'utf8' }),
  ).toBe('');
  console.log(`walkthrough: ${report.steps} steps in ${report.seconds.toFixed(0)} s\n${lines.join('\n')}`);
}, 600_000);
