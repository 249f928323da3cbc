// The benchmark works end to end (its figures are printed, never asserted: speed targets live in
// the benchmark, not in tests) and its corpus is made of histories that replay.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@background-check/servers';
import { listHistoryFiles } from '@background-check/replay';
import { fakeSsn, makeCorpus } from './corpus';

const root = repoRoot();

test('the corpus varies the SSN and the workflow id, never the run id (the seed of the random gate)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-corpus-'));
  try {
    const sources = listHistoryFiles(path.join(root, 'histories'));
    const files = makeCorpus(sources, sources.length * 2, dir);
    const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')).events[0].workflowExecutionStartedEventAttributes;
    const [a, b] = [read(files[0]!), read(files[sources.length]!)];
    expect(a.originalExecutionRunId).toBe(b.originalExecutionRunId);
    expect(a.workflowId).not.toBe(b.workflowId);
    expect(Buffer.from(a.input.payloads[0].data, 'base64').toString()).toBe(JSON.stringify(fakeSsn(0)));
    expect(fakeSsn(12345)).toMatch(/^555-\d{2}-\d{4}$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pnpm bench:replay prints histories per second for each way, and every history replays', async () => {
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
    execFile(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), path.join(__dirname, 'bench-replay.ts'), '60', '--naive-sample', '1', '--repeat', '1', '--processes', '2'],
      { cwd: root, env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.json') }, timeout: 170_000 },
      (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${out}\n${errOut}`)) : resolve({ stdout: out })),
    ),
  );
  for (const row of ['naive: runReplayHistory per file', 'SDK runReplayHistories loop', 'project runner, default', 'project runner, in this process only', 'project runner, 2 child processes + this one, SDK vm watchdog kept']) {
    expect(stdout).toMatch(new RegExp(`${row.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\d+\\.\\d /s\\s+\\d+\\.\\d\\dx loop`));
  }
  expect(stdout).not.toContain('FAILED');
  expect(stdout).toContain('Where the time goes:');
}, 180_000);
