// ESLint keeps workflow code deterministic: in the workflow package (and in files named *.workflow.ts,
// such as the replay tests' variants, or under a workflows/ folder) it flags Node built-ins and
// activities imported as values.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@background-check/common';

const RULE = '@typescript-eslint/no-restricted-imports';
const root = repoRoot();
const fixture = path.join(__dirname, 'fixtures', 'variants', 'lint-fixture.workflow.ts');

interface Linted {
  rules: Record<string, unknown>;
  messages: { ruleId: string | null; line: number; severity: number; message: string }[];
}

/**
 * ESLint's Node API, run in a plain Node process: it loads eslint.config.mjs with a dynamic import,
 * which jest's module system doesn't allow. Inline `eslint-disable` comments are ignored
 * (allowInlineConfig: false): the fixture switches ESLint off for itself so that `pnpm lint` passes.
 */
async function lint(files: string[]): Promise<Record<string, Linted>> {
  const script = `
    const { ESLint } = require('eslint');
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd(), allowInlineConfig: false });
      const out = {};
      for (const file of JSON.parse(process.argv[1])) {
        const config = await eslint.calculateConfigForFile(file);
        const [result] = await eslint.lintFiles([file]);
        out[file] = { rules: config.rules ?? {}, messages: result.messages.map(({ ruleId, line, severity, message }) => ({ ruleId, line, severity, message })) };
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((err) => { console.error(err); process.exit(1); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, JSON.stringify(files)], {
    cwd: root,
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, Linted>;
}

const realWorkflow = path.join(root, 'packages/workflows/src/background-check.ts');
const variant = path.join(__dirname, 'fixtures', 'variants', 'v0-before-sleep.workflow.ts');
// Bundled into the replay worker's workflow code: the same rules hold for it.
const recorder = path.join(root, 'packages/replay/src/recorder.ts');
const activity = path.join(root, 'packages/activities/src/ssn-trace.ts');
let linted: Record<string, Linted>;

beforeAll(async () => {
  linted = await lint([fixture, realWorkflow, variant, recorder, activity]);
}, 120_000);

/** The imports the rule forbids in that file (runtime code elsewhere has it too, for test-only packages). */
function restricted(file: string): string[] {
  const setting = linted[file]!.rules[RULE] as [number, { paths?: { name: string }[] }?] | undefined;
  return setting && setting[0] === 2 ? (setting[1]?.paths ?? []).map((p) => p.name) : [];
}

test('the workflow rules apply to the workflow package, the workflow variants and the recorder, not to activities', () => {
  for (const file of [realWorkflow, variant, recorder]) {
    expect({ file, names: restricted(file) }).toEqual({
      file,
      names: expect.arrayContaining(['fs', 'node:fs', 'path', '@background-check/activities']),
    });
  }
  expect(restricted(activity)).not.toContain('node:fs');
  expect(restricted(activity)).not.toContain('@background-check/activities');
});

test('Node built-ins and value imports of activities are errors; `import type` is fine', () => {
  const lines = fs.readFileSync(fixture, 'utf8').split('\n');
  const expectedLines = lines.flatMap((line, i) => (line.includes('// BAD') ? [i + 1] : []));
  expect(expectedLines).toHaveLength(3);
  const flagged = linted[fixture]!.messages.filter((m) => m.ruleId === RULE);
  expect([...new Set(flagged.map((m) => m.line))].sort((a, b) => a - b)).toEqual(expectedLines);
  expect(flagged.every((m) => m.severity === 2)).toBe(true);
  expect(flagged.map((m) => m.message).join('\n')).toMatch(
    /Node built-ins are not available in workflow code[\s\S]*import type/,
  );
});

test('the real workflow code, the variants and the recorder pass them', () => {
  for (const file of [realWorkflow, variant, recorder]) {
    expect({ file, errors: linted[file]!.messages.filter((m) => m.severity === 2) }).toEqual({ file, errors: [] });
  }
});
