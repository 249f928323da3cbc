// `pnpm test:replay --server` with no server at the configured address: one clear message, exit 1,
// and nothing replayed (the run proved nothing).
import { STACK_FRAME, freePort, killAllChildren, spawnTs, waitForExit } from '@background-check/test-support';

afterAll(() => killAllChildren());

test('a server that cannot be reached is named, with what to do; exit 1', async () => {
  const address = `localhost:${await freePort()}`;
  const child = spawnTs('test:replay', 'packages/replay/src/cli.ts', ['--server'], {
    env: { TEMPORAL_ADDRESS: address },
  });
  const exit = await waitForExit(child, 60_000);
  expect(exit.code).toBe(1);
  expect(child.stderr()).toContain(`Cannot reach a Temporal server at ${address}`);
  expect(child.stderr()).toContain('Start the local dev server with `pnpm server`');
  expect(child.output()).not.toMatch(STACK_FRAME);
  expect(child.stdout()).not.toMatch(/^(PASS|FAIL) /m);
}, 90_000);
