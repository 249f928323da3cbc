// The page against the repository, without a server: code blocks, the patch, links, commands.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@background-check/servers';
import { parsePage } from './page';
import { BEFORE_SLEEP_FILE, PATCH_FILE, WORKFLOW_FILE, applyPatch, makePatch, patchProblems } from './patch';
import { PAGE_FILE, cliOptionProblems, fileBlockProblems, linkProblems, scriptProblems, staticProblems } from './static-checks';

const root = repoRoot();
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('docs/walkthrough.md and the repository', () => {
  it('agree: code blocks, patch, links to tests, pnpm scripts and CLI options', () => {
    expect(staticProblems(root)).toEqual([]);
  });

  it("the patch turns the chapter's starting point into the repository's workflow, and back", () => {
    const patch = read(PATCH_FILE);
    expect(applyPatch(patch, read(BEFORE_SLEEP_FILE))).toEqual({ text: read(WORKFLOW_FILE) });
    expect(applyPatch(patch, read(WORKFLOW_FILE), { reverse: true })).toEqual({ text: read(BEFORE_SLEEP_FILE) });
    // ... and it is the change the chapter makes, nothing else.
    const added = patch.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
    expect(added.join('\n')).toContain("await sleep('60 seconds');");
    expect(added.join('\n')).toContain("log.info('Sleeping for 60 seconds');");
    expect(added.join('\n')).toContain('Math.random()');
    expect(patch).toBe(makePatch(root));
  });
});

describe('each check catches what it is for', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'walkthrough-static-'));
    fs.mkdirSync(path.join(tmp, 'docs'));
    fs.mkdirSync(path.join(tmp, 'tests'));
    fs.writeFileSync(path.join(tmp, 'tests', 'a.test.ts'), "test('replays the history', () => {});\n");
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a link to a missing file, or to a test that is not there', () => {
    const md = [
      '[ok](../tests/a.test.ts) [“replays the history”](../tests/a.test.ts) [web](https://temporal.io) [anchor](#top)',
      '[gone](../tests/b.test.ts) [“replays every history”](../tests/a.test.ts)',
      '```sh\n[not a link](../nowhere)\n```',
    ].join('\n');
    const problems = linkProblems(tmp, md, 'docs/page.md');
    expect(problems).toEqual([
      expect.stringMatching(/\[gone\]\(\.\.\/tests\/b\.test\.ts\) points at tests\/b\.test\.ts, which does not exist/),
      expect.stringMatching(/names a test that tests\/a\.test\.ts does not have/),
    ]);
  });

  it('a pnpm script that the root package.json does not have', () => {
    fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ scripts: { 'test:replay': 'x', temporal: 'y' } }));
    const parsed = parsePage(['<!-- walkthrough: run -->', '```sh', 'pnpm test:replay && pnpm -s temporal --version', 'pnpm test:replays', 'pnpm install', '```'].join('\n'));
    expect(scriptProblems(tmp, parsed)).toEqual(['line 2: `pnpm test:replays` is not a script of the root package.json.']);
  });

  it('an option the pinned Temporal CLI does not have for that command', () => {
    const parsed = parsePage(
      [
        '<!-- walkthrough: skip reason="example" -->',
        '```sh',
        'pnpm temporal workflow show \\',
        '  --workflow-id w --namespace n --tls-cert-path c --output json',
        'pnpm temporal workflow show --workflow-id w --no-such-option',
        '```',
      ].join('\n'),
    );
    expect(cliOptionProblems(parsed)).toEqual(['line 2: `temporal workflow show` has no option --no-such-option.']);
  });

  it('a code block that no longer shows its file', () => {
    fs.writeFileSync(path.join(tmp, 'code.ts'), 'const a = 1;\nconst b = 2;  \n');
    const block = (directive: string, body: string) => `<!-- walkthrough: ${directive} -->\n\`\`\`ts\n${body}\n\`\`\``;
    const parsed = parsePage(
      [
        block('file path=code.ts', 'const a = 1;\nconst b = 2;'),
        block('excerpt path=code.ts', 'const b = 2;'),
        block('file path=code.ts', 'const a = 1;'),
        block('excerpt path=code.ts', 'const c = 3;'),
        block('file path=gone.ts', ''),
      ].join('\n\n'),
    );
    expect(fileBlockProblems(tmp, parsed)).toEqual([
      expect.stringMatching(/^line 14: the block differs from code\.ts/),
      expect.stringMatching(/^line 19: the block differs from code\.ts/),
      expect.stringMatching(/^line 24: the block shows gone\.ts, which does not exist/),
    ]);
  });

  it('a patch that no longer fits the workflow', () => {
    for (const file of [WORKFLOW_FILE, BEFORE_SLEEP_FILE, PATCH_FILE]) {
      fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(tmp, file));
    }
    expect(patchProblems(tmp)).toEqual([]);
    // Someone edits the workflow (another timeout) and forgets the walkthrough.
    const workflow = path.join(tmp, WORKFLOW_FILE);
    fs.writeFileSync(workflow, fs.readFileSync(workflow, 'utf8').replace("scheduleToCloseTimeout: '5 seconds'", "scheduleToCloseTimeout: '6 seconds'"));
    expect(patchProblems(tmp)).toEqual([
      expect.stringContaining(`${PATCH_FILE} applied to ${BEFORE_SLEEP_FILE} does not give ${WORKFLOW_FILE}`),
      expect.stringContaining(`\`git apply -R ${PATCH_FILE}\` on ${WORKFLOW_FILE} does not give ${BEFORE_SLEEP_FILE}`),
    ]);
  });

  it('the real page parses, and every shell block on it is run or explicitly skipped', () => {
    const parsed = parsePage(read(PAGE_FILE), PAGE_FILE);
    expect(parsed.steps.length).toBeGreaterThan(10);
    expect(parsed.skipped.every((s) => s.reason.length > 0)).toBe(true);
  });
});
