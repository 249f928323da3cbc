// The child-process helper every end-to-end test relies on: complete output, bounded waits, and
// nothing left running.
import { until } from './executions';
import { groupAlive, killAllChildren, pidAlive, spawnChild, waitForExit } from './processes';

const node = (name: string, code: string, detached = false) =>
  spawnChild(name, process.execPath, ['-e', code], { detached });

afterAll(async () => {
  await killAllChildren();
});

describe('test child processes', () => {
  it('has all the output once waitForExit returns, however late it comes before the exit', async () => {
    // Large writes to a pipe finish after the process has exited: 'exit' alone would miss the tail.
    const child = node(
      'writer',
      "process.stdout.write('x'.repeat(4 * 1024 * 1024)); console.log('LAST'); process.exitCode = 3",
    );
    const exit = await waitForExit(child, 20_000);
    expect(exit).toEqual({ code: 3, signal: null, timedOut: false });
    expect(child.stdout().length).toBe(4 * 1024 * 1024 + 'LAST\n'.length);
    expect(child.output().endsWith('LAST\n')).toBe(true);
    expect(child.isRunning()).toBe(false);
  });

  it('waits for close: output written after the exit (by a child that shares the pipe) is kept', async () => {
    const child = node(
      'parent',
      "require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => console.log(\\'LATE\\'), 300)'], { stdio: 'inherit' }).unref()",
    );
    let exitedAt = 0;
    child.proc.once('exit', () => (exitedAt = Date.now()));
    await waitForExit(child, 20_000);
    expect(Date.now() - exitedAt).toBeGreaterThan(100); // 'exit' came well before 'close'
    expect(child.output()).toBe('LATE\n');
  });

  it('keeps stdout and stderr apart and together, and takes lines on stdin', async () => {
    const child = node(
      'echo',
      "process.stdin.once('data', (d) => { console.log('got ' + d.toString().trim()); console.error('bye'); process.exit(0); })",
    );
    child.send('hello');
    expect((await waitForExit(child, 20_000)).code).toBe(0);
    expect(child.stdout()).toBe('got hello\n');
    expect(child.stderr()).toBe('bye\n');
    expect(child.output()).toContain('got hello\n');
  });

  it('waitFor resolves on the first match, and fails after its bound or when the child exits first', async () => {
    const child = node('ticker', "console.log('READY 42'); setInterval(() => undefined, 1000)");
    const match = await child.waitFor(/READY (\d+)/, 20_000);
    expect(match[1]).toBe('42');
    await expect(child.waitFor(/NEVER/, 200)).rejects.toThrow(
      /ticker did not print \/NEVER\/ within 0\.2 s\. Its output:\nREADY 42/,
    );
    child.kill('SIGTERM');
    await expect(child.waitFor(/NEVER/, 20_000)).rejects.toThrow(/ticker exited before printing \/NEVER\//);
    expect((await waitForExit(child, 20_000)).signal).toBe('SIGTERM');
  });

  it('waitForExit kills a child that outlives the bound', async () => {
    const child = node('stuck', "process.on('SIGTERM', () => undefined); setInterval(() => undefined, 1000)");
    const exit = await waitForExit(child, 300);
    expect(exit).toEqual({ code: null, signal: 'SIGKILL', timedOut: true });
    expect(pidAlive(child.pid)).toBe(false);
  });

  it('killAllChildren kills every child, and the whole group of a detached one', async () => {
    // A detached child (its own process group) that starts a grandchild, as `pnpm start` starts a server.
    const parent = node(
      'parent',
      "const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' }); console.log('GRANDCHILD ' + c.pid); setInterval(() => undefined, 1000)",
      true,
    );
    const plain = node('plain', 'setInterval(() => undefined, 1000)');
    const grandchild = Number((await parent.waitFor(/GRANDCHILD (\d+)/, 20_000))[1]);
    expect(pidAlive(grandchild)).toBe(true);

    await killAllChildren();
    expect(plain.isRunning()).toBe(false);
    expect(parent.isRunning()).toBe(false);
    // The grandchild is reaped by init, not by us: allow it a bounded moment.
    await until('the grandchild to be gone', 5_000, async () => (pidAlive(grandchild) ? undefined : true), 50);
    expect(groupAlive(parent.pid)).toBe(false);
  });
});
