// `pnpm test:replay --server` (or -w ID, one execution) with no server at the address given (TEMPORAL_ADDRESS, or
// --address, which wins): one clear message, exit 1, and nothing replayed (the run proved nothing).
import { STACK_FRAME, freePort, killAllChildren, spawnTs, waitForExit } from '@background-check/test-support';

afterAll(() => killAllChildren());

test('a server that cannot be reached is named, with what to do; exit 1', async () => {
  const [fromEnv, fromFlag] = [`localhost:${await freePort()}`, `127.0.0.1:${await freePort()}`];
  const runs = [
    { args: ['--server'], env: { TEMPORAL_ADDRESS: fromEnv }, address: fromEnv },
    { args: ['-w', 'some-workflow', '--address', fromFlag], env: { TEMPORAL_ADDRESS: fromEnv }, address: fromFlag },
  ];
  await Promise.all(
    runs.map(async ({ args, env, address }) => {
      const child = spawnTs('test:replay', 'packages/replay/src/cli.ts', args, { env });
      const exit = await waitForExit(child, 60_000);
      expect({ args, code: exit.code }).toEqual({ args, code: 1 });
      expect(child.stderr()).toContain(`Cannot reach a Temporal server at ${address}`);
      expect(child.stderr()).toContain('--address HOST:PORT, TEMPORAL_ADDRESS');
      expect(child.output()).not.toMatch(STACK_FRAME);
      expect(child.stdout()).not.toMatch(/^(PASS|FAIL|FIXED|STILL-FAILING|EXEMPT) /m);
    }),
  );
}, 90_000);
