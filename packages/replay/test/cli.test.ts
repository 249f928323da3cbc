// `pnpm test:replay`, as a user runs it: PASS/FAIL per file, the explanation, the exit code.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@background-check/servers';
import { FIXTURES } from './test-support';

const root = repoRoot();

function testReplay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), path.join(__dirname, 'cli.ts'), ...args],
      { cwd: root, env: { ...process.env, INIT_CWD: root, TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.json') }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('the committed corpus passes: exit 0', async () => {
  const { code, stdout } = await testReplay();
  expect(stdout).toMatch(/replay: \d+ passed, 0 failed/);
  expect(stdout).not.toContain('FAIL');
  expect(code).toBe(0);
});

test('a history from before the sleep fails with the explanation: exit 1', async () => {
  const { code, stdout } = await testReplay(path.join(FIXTURES, 'v0'), 'histories');
  expect(stdout).toContain('FAIL  packages/replay/fixtures/v0/v0-gate-timer-1.json');
  expect(stdout).toContain('PASS  packages/replay/fixtures/v0/v0-gate-no-timer-1.json');
  expect(stdout).toContain('Diverged at event 5 (ActivityTaskScheduled):');
  expect(stdout).toContain('code:    started a 60 s timer instead');
  expect(stdout).toContain('SDK: [TMPRL1100] Nondeterminism error: Timer machine does not handle this event');
  expect(stdout).toMatch(/replay: \d+ passed, 2 failed/);
  expect(code).toBe(1);
});

test('bad usage: exit 2 with the usage; a missing path is named', async () => {
  const bad = await testReplay('--bogus');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('Unknown option --bogus.');
  expect(bad.stderr).toContain('Usage: pnpm test:replay');
  const missing = await testReplay('no/such/folder');
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain(`${path.join(root, 'no/such/folder')} does not exist`);
});
