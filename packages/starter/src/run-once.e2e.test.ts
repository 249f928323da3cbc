// `pnpm start` end to end: with no server at the address it starts the project's dev server,
// runs one background check, prints the result and the chapter's table, saves the history as
// JSON, and stops everything it started.
import fs from 'node:fs';
import path from 'node:path';
import { portAnswers } from '@background-check/servers';
import { freePort, killAllChildren, spawnTs, tempDir, expectExit } from '@background-check/test-support';
import { loadHistoryFile } from '@background-check/replay';

describe('pnpm start (the main job)', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = tempDir('run-once');
  });

  afterAll(async () => {
    await killAllChildren();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('starts its own dev server when none answers, runs one check, saves the history, and stops the server', async () => {
    const port = await freePort();
    const address = `localhost:${port}`;
    expect(await portAnswers(address)).toBe(false);

    const main = spawnTs('pnpm start', 'packages/starter/src/run-once.ts', [], {
      env: { TEMPORAL_ADDRESS: address, BACKGROUNDCHECK_STATE_DIR: tmp },
      detached: true,
    });
    await expectExit(main, 0, 150_000);
    const out = main.output();

    expect(out).toContain(`No Temporal server at ${address}: starting the project's dev server`);
    expect(out).toContain('Result: "pass"');
    expect(out).toMatch(/Progress:\n\s+ID\s+Time\s+Type\n\s+1\s+\S+Z\s+WorkflowExecutionStarted\n/);
    expect(out).toMatch(/Result:\n\s+Status: COMPLETED\n\s+Output: \["pass"\]/);
    expect(out).toContain('Stopping the dev server...');
    expect(out).not.toContain('555-55-5555');

    // The saved history is the CLI's JSON and passes validation for replay.
    const saved = fs.readdirSync(path.join(tmp, 'histories'));
    expect(saved).toHaveLength(1);
    const loaded = loadHistoryFile(path.join(tmp, 'histories', saved[0]!));
    if ('problem' in loaded) throw new Error(`The saved history does not load: ${loaded.problem}`);
    expect(loaded.workflowType).toBe('BackgroundCheck');
    const rows = out.match(/^\s+\d+\s+\S+Z\s+\w+$/gm) ?? [];
    expect(rows).toHaveLength(loaded.history.events!.length);

    // Everything it started is gone: nothing answers at the address any more.
    expect(await portAnswers(address)).toBe(false);
  });
});
