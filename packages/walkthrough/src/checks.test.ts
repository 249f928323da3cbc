// The page against the repository, without a server: code blocks, the patch, links, commands.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BEFORE_SLEEP_FILE,
  PAGE_FILE,
  PATCH_FILE,
  ROOT,
  WORKFLOW_FILE,
  commandProblems,
  fileBlockProblems,
  linkProblems,
  patchProblems,
  staticProblems,
} from './checks';
import { parsePage } from './page';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'walkthrough-checks-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('docs/walkthrough.md and the repository', () => {
  it('agree: code blocks, patch, links to tests, pnpm scripts and CLI options', () => {
    expect(staticProblems(ROOT)).toEqual([]);
  });

  it('every shell block of the page is run or skipped with a reason', () => {
    const page = parsePage(read(PAGE_FILE), PAGE_FILE);
    expect(page.steps.filter((s) => s.kind === 'run').length).toBeGreaterThan(10);
    expect(page.skipped.length).toBeGreaterThan(0);
    expect(page.skipped.every((s) => s.reason.length > 0)).toBe(true);
  });

  it("the patch turns the chapter's starting point into the repository's workflow with git apply, and back", () => {
    const file = path.join(tmp, WORKFLOW_FILE);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync(path.join(ROOT, BEFORE_SLEEP_FILE), file);
    const apply = (...args: string[]) =>
      execFileSync('git', ['apply', ...args, path.join(ROOT, PATCH_FILE)], {
        cwd: tmp,
        env: { ...process.env, GIT_CEILING_DIRECTORIES: os.tmpdir() },
      });
    apply();
    expect(fs.readFileSync(file, 'utf8')).toBe(read(WORKFLOW_FILE));
    apply('-R');
    expect(fs.readFileSync(file, 'utf8')).toBe(read(BEFORE_SLEEP_FILE));
    // ... and it is the chapter's change.
    const added = read(PATCH_FILE)
      .split('\n')
      .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
      .join('\n');
    for (const line of ["await sleep('60 seconds');", "log.info('Sleeping for 60 seconds');", 'Math.random()'])
      expect(added).toContain(line);
  });
});

describe('each check catches what it is for', () => {
  it('a link to a missing file, or to a test that is not there', () => {
    fs.mkdirSync(path.join(tmp, 'tests'));
    fs.writeFileSync(path.join(tmp, 'tests', 'a.test.ts'), "test('replays the history', () => {});\n");
    const md = [
      '[ok](../tests/a.test.ts) [“replays the history”](../tests/a.test.ts) [web](https://temporal.io) [anchor](#top)',
      '[gone](../tests/b.test.ts) [“replays every history”](../tests/a.test.ts)',
      '```sh\n[not a link](../nowhere)\n```',
    ].join('\n');
    expect(linkProblems(tmp, md, 'docs/page.md')).toEqual([
      expect.stringMatching(/\[gone\]\(\.\.\/tests\/b\.test\.ts\) points at a file that does not exist/),
      expect.stringMatching(/names a test that tests\/a\.test\.ts does not have/),
    ]);
  });

  it('a pnpm script that the root package.json does not have', () => {
    fs.writeFileSync(
      path.join(tmp, 'package.json'),
      JSON.stringify({ scripts: { 'test:replay': 'x', temporal: 'y' } }),
    );
    const md =
      '<!-- walkthrough: run -->\n```sh\npnpm test:replay && pnpm -s temporal workflow show --workflow-id w\npnpm history:show\npnpm install\n```';
    expect(commandProblems(tmp, parsePage(md))).toEqual([
      'line 2: `pnpm history:show` is not a script of the root package.json.',
    ]);
  });

  it('an option the pinned Temporal CLI does not have for that command', () => {
    const md = [
      '<!-- walkthrough: skip reason="example" -->',
      '```sh',
      'pnpm temporal workflow show \\',
      '  --workflow-id w --namespace n --tls-cert-path c --output json',
      'pnpm temporal workflow show --workflow-id w --no-such-option',
      '```',
    ].join('\n');
    fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ scripts: { temporal: 'y' } }));
    expect(commandProblems(tmp, parsePage(md))).toEqual([
      'line 2: `temporal workflow show` has no option --no-such-option.',
    ]);
  });

  it('a code block that no longer shows its file', () => {
    fs.writeFileSync(path.join(tmp, 'code.ts'), 'const a = 1;\nconst b = 2;  \n');
    const block = (directive: string, body: string) => `<!-- walkthrough: ${directive} -->\n\`\`\`ts\n${body}\n\`\`\``;
    const md = [
      block('file path=code.ts', 'const a = 1;\nconst b = 2;'),
      block('excerpt path=code.ts', 'const b = 2;'),
      block('file path=code.ts', 'const a = 1;'),
      block('excerpt path=code.ts', 'const c = 3;'),
      block('file path=gone.ts', ''),
    ].join('\n\n');
    expect(fileBlockProblems(tmp, parsePage(md))).toEqual([
      expect.stringMatching(/^line 13: the block differs from code\.ts/),
      expect.stringMatching(/^line 18: the block differs from code\.ts/),
      expect.stringMatching(/^line 23: the block shows gone\.ts, which is gone/),
    ]);
  });

  it('a patch that no longer fits the workflow', () => {
    for (const file of [WORKFLOW_FILE, BEFORE_SLEEP_FILE, PATCH_FILE]) {
      fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(tmp, file));
    }
    expect(patchProblems(tmp)).toEqual([]);
    // Someone edits the workflow (another timeout) and forgets the walkthrough.
    const workflow = path.join(tmp, WORKFLOW_FILE);
    fs.writeFileSync(
      workflow,
      read(WORKFLOW_FILE).replace("scheduleToCloseTimeout: '5 seconds'", "scheduleToCloseTimeout: '6 seconds'"),
    );
    expect(patchProblems(tmp)).toEqual([
      `${PATCH_FILE} is not the change from ${BEFORE_SLEEP_FILE}: pnpm walkthrough --write-patch.`,
    ]);
  });
});
