// The chapter's second way to get an Event History: the Web UI. Headless Chromium (Debian's
// chromium, driven by playwright-core) opens the dev server's UI, finds backgroundcheck_workflow
// on the Workflows page, opens its Event History, downloads the JSON as a user would (Download,
// "Encoded": the form the UI marks as compatible with replayers), and that file passes
// `pnpm test:replay`. A screenshot of the history page goes to .temporal/screenshots/.
//
// Without Chromium this reports plainly that it did not run and how to enable it; in CI
// (CI=true), where .ci/run installs Chromium, a missing browser fails the test.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import {
  NAMESPACE,
  TASK_QUEUE,
  WORKFLOW_ID,
  WORKFLOW_TYPE,
  SAMPLE_SSN,
  repoRoot,
  stateDir,
} from '@background-check/common';
import type { DevServer } from '@background-check/servers';
import { startDevServerIn, tempDir } from '@background-check/test-support';
import { createWorker } from '@background-check/worker';
import { CHROMIUM_ARGS, chromiumAvailable, chromiumPath, howToEnable } from './chromium';

const inCi = /^(true|1)$/i.test(process.env.CI ?? '');
const available = chromiumAvailable();

if (!available && !inCi) {
  // Not a silent skip: say it, with the way to turn it on.
  console.warn(`Web UI test NOT RUN. ${howToEnable()}`);
  test.skip(`Web UI: history JSON downloaded with Chromium passes the replay test -- NOT RUN: ${howToEnable()}`, () =>
    undefined);
} else {
  let server: DevServer | undefined;
  let nativeConnection: NativeConnection | undefined;
  let connection: Connection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let browser: BrowserContext | undefined;
  const work = tempDir('webui');

  afterAll(async () => {
    await browser?.close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await nativeConnection?.close();
    await connection?.close();
    await server?.stop();
  });

  /** Which branch the run took once its first workflow task is done: TimerStarted or ActivityTaskScheduled. */
  async function tookTimer(client: Client, runId: string): Promise<boolean> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const events = (await client.workflow.getHandle(WORKFLOW_ID, runId).fetchHistory()).events ?? [];
      if (events.some((e) => e.timerStartedEventAttributes)) return true;
      if (events.some((e) => e.activityTaskScheduledEventAttributes)) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`The first workflow task of run ${runId} did not complete within 30 s.`);
  }

  test('Web UI: history JSON downloaded with Chromium passes the replay test', async () => {
    if (!available)
      throw new Error(
        `CI must run the Web UI test, but: ${howToEnable()} (.ci/run installs it with scripts/install-chromium.sh.)`,
      );

    server = await startDevServerIn(work);
    nativeConnection = await NativeConnection.connect({ address: server.address });
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: NAMESPACE });
    worker = await createWorker({ connection: nativeConnection, namespace: NAMESPACE });
    running = worker.run();

    // One completed BackgroundCheck with the chapter's workflow id. A run that draws the 60 s sleep
    // is terminated and the id started again (bounded), so the test never waits a minute by luck.
    let runId: string | undefined;
    for (let attempt = 0; attempt < 30 && !runId; attempt++) {
      const handle = await client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUE,
        workflowId: WORKFLOW_ID,
        args: [SAMPLE_SSN],
      });
      if (await tookTimer(client, handle.firstExecutionRunId))
        await handle.terminate('the Web UI test wants a run without the 60 s sleep');
      else runId = handle.firstExecutionRunId;
    }
    if (!runId) throw new Error('30 runs in a row drew the 60 s sleep.');
    expect(await client.workflow.getHandle(WORKFLOW_ID, runId).result()).toBe('pass');
    const serverHistory = await client.workflow.getHandle(WORKFLOW_ID, runId).fetchHistory();

    browser = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
      acceptDownloads: true,
      viewport: { width: 1280, height: 1000 },
    });
    browser.setDefaultTimeout(30_000);
    const page = browser.pages()[0] ?? (await browser.newPage());

    // The Workflows page: the completed backgroundcheck_workflow row.
    await page.goto(`${server.uiUrl}/namespaces/${NAMESPACE}/workflows`);
    const row = page.locator('tr', { hasText: 'Completed' }).filter({ hasText: WORKFLOW_ID });
    await row.getByRole('link', { name: WORKFLOW_ID }).first().click();
    await page.waitForURL(new RegExp(`/workflows/${WORKFLOW_ID}/${runId}/`));

    // Its Event History, as the chapter shows it; then the JSON tab it copies from.
    // (The UI's own data-testid attributes: steadier than its styling classes.)
    await page.getByTestId('history-tab').click();
    await page.getByText('Activity Task Completed').first().waitFor();
    const screenshot = path.join(stateDir('screenshots'), 'webui-event-history.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.getByTestId('json').click();
    await page.getByText('"eventType"').first().waitFor();
    await page.screenshot({ path: path.join(stateDir('screenshots'), 'webui-event-history-json.png'), fullPage: true });

    // Download, "Encoded".
    await page.getByTestId('download').click();
    const dialog = page.locator('dialog#download-history');
    await dialog.getByTestId('use-encoded-setting-input').check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByTestId('confirm-modal-button').click(),
    ]);
    const file = path.join(work, `${WORKFLOW_ID}.json`);
    await download.saveAs(file);

    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { events: Array<{ eventId: string }> };
    expect(json.events).toHaveLength(serverHistory.events!.length);
    expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);

    // `pnpm test:replay <file>`: the project's replay command, against the current workflow code.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [require.resolve('ts-node/dist/bin.js'), path.join(repoRoot(), 'packages/replay/src/cli.ts'), file],
      {
        cwd: repoRoot(),
        timeout: 120_000,
      },
    ).catch((err: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`pnpm test:replay failed on the Web UI's JSON:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
    });
    expect(stdout).toMatch(/PASS\s+\S*backgroundcheck_workflow\.json/);
    expect(stdout).toMatch(/replay: 1 passed, 0 failed/);
  }, 240_000);
}
