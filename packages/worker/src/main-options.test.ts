// `pnpm start:worker`'s Worker Versioning options, as a user types them (or sets them in the environment):
// mistakes are refused with the usage before anything connects.
import { killAllChildren, spawnTs, waitForExit } from '@background-check/test-support';

afterAll(() => killAllChildren());

async function startWorker(args: string[], env: Record<string, string> = {}) {
  // No server answers here: a run that got past the options would fail to connect instead (exit 1).
  const child = spawnTs('start:worker', 'packages/worker/src/main.ts', args, {
    env: { TEMPORAL_ADDRESS: 'localhost:1', ...env },
  });
  const exit = await waitForExit(child, 60_000);
  return { code: exit.code, stderr: child.stderr() };
}

test.each([
  [['--build-id', 'v1', '--behavior', 'sideways'], {}, '--behavior takes pinned or auto-upgrade, not "sideways".'],
  [['--deployment', 'other'], {}, '--deployment and --behavior need --build-id.'],
  [[], { BACKGROUNDCHECK_BUILD_ID: 'v1', BACKGROUNDCHECK_BEHAVIOR: 'sideways' }, 'not "sideways".'],
])(
  'refuses %p %p with exit 2 and the usage',
  async (args, env, message) => {
    const { code, stderr } = await startWorker(args, env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: pnpm start:worker [--build-id ID');
  },
  90_000,
);

test('takes --build-id, --deployment and --behavior auto-upgrade, then goes on to connect', async () => {
  const { code, stderr } = await startWorker([
    '--build-id',
    'v7',
    '--deployment',
    'other',
    '--behavior',
    'auto-upgrade',
  ]);
  expect(code).toBe(1);
  expect(stderr).toContain('Cannot reach a Temporal server at localhost:1');
}, 90_000);
