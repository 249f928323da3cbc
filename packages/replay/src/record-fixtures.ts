// Records the replay toolkit's fixtures from a real Temporal dev server (its own, on free ports,
// with a throw-away database), by running real executions of workflow variants:
//
//   fixtures/v0/            the workflow before the sleep was added (upgrade story, chapter's failing test)
//   fixtures/v1-patched/    the sleep added behind patched()
//   fixtures/v2-deprecated/ deprecatePatch(), old path gone
//   fixtures/sources/       one execution of the current workflow, saved every way the chapter names:
//                           CLI JSON, the same with the older short enum names, the Web UI's export,
//                           and the SDK client's fetchHistory()
//
// Usage: pnpm --filter @background-check/replay record:fixtures [--out DIR]
// Takes about 3 minutes: executions that take the timer branch really sleep 60 s.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import { NAMESPACE, SAMPLE_SSN, TASK_QUEUE, WORKFLOW_TYPE } from '@background-check/common';
import { TEMPORAL_CLI, repoRoot, requireBinary, startDevServerIn, type DevServer } from '@background-check/servers';
import { createWorker, installRuntime, prebuiltBundle } from '@background-check/worker';
import { probeDraws } from './probe';
import { bundleVariant, type VariantName } from './variants';

const run = promisify(execFile);
const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const SSNS = [SAMPLE_SSN, '555-55-1234', '555-12-3456', '555-00-0001', '555-98-7654', '555-44-4444'];

interface Recorded {
  workflowId: string;
  runId: string;
  history: History;
}

function hasTimer(history: History): boolean {
  return (history.events ?? []).some((e) => e.timerStartedEventAttributes);
}

/** `temporal workflow show --output json`, exactly as the chapter saves a history. */
async function cliShow(server: DevServer, workflowId: string, runId: string): Promise<string> {
  const { stdout } = await run(
    requireBinary(TEMPORAL_CLI),
    ['workflow', 'show', '--address', server.address, '--namespace', NAMESPACE, '--workflow-id', workflowId, '--run-id', runId, '--output', 'json'],
    { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** What the Web UI's "Download" (encoded) saves: `{ events }` from the UI server's history API. */
async function webUiExport(server: DevServer, workflowId: string, runId: string): Promise<string> {
  const url = `${server.uiUrl}/api/v1/namespaces/${encodeURIComponent(NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}/history?execution.runId=${runId}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`The Web UI's history API answered ${response.status} for ${url}`);
  const body = (await response.json()) as { history?: { events?: unknown[] }; nextPageToken?: string };
  if (body.nextPageToken) throw new Error('The history has more than one page; this script expects short histories.');
  return JSON.stringify({ events: body.history?.events ?? [] }, null, 2) + '\n';
}

/** Runs executions of a variant on the real task queue and waits for them all (bounded). */
async function runExecutions(client: Client, connection: NativeConnection, bundle: WorkflowBundle, prefix: string, count: number): Promise<Recorded[]> {
  const worker = await createWorker({ connection, namespace: NAMESPACE, workflowBundle: bundle, shutdownGraceTime: '1s' });
  const recorded = await worker.runUntil(async () => {
    const handles = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        client.workflow.start(WORKFLOW_TYPE, {
          taskQueue: TASK_QUEUE,
          workflowId: `backgroundcheck_workflow-${prefix}-${Date.now().toString(36)}-${i + 1}`,
          args: [SSNS[i % SSNS.length]],
        }),
      ),
    );
    const deadline = AbortSignal.timeout(150_000);
    return await Promise.all(
      handles.map(async (handle) => {
        await Promise.race([
          handle.result().catch(() => undefined), // a failed execution is a history too
          new Promise((_, reject) => deadline.addEventListener('abort', () => reject(new Error(`${handle.workflowId} did not finish within 150 s`)))),
        ]);
        return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, history: await handle.fetchHistory() };
      }),
    );
  });
  return recorded;
}

async function saveCli(server: DevServer, dir: string, name: string, r: Recorded): Promise<string> {
  const text = await cliShow(server, r.workflowId, r.runId);
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, text.endsWith('\n') ? text : text + '\n');
  // The saved file must be the same history the client fetched.
  const events = historyFromJSON(JSON.parse(text)).events ?? [];
  if (events.length !== (r.history.events ?? []).length) throw new Error(`${file}: CLI output has ${events.length} events, the client saw ${r.history.events?.length}`);
  return file;
}

/** Records one version until the wanted mix of branches is present (bounded). */
async function recordVersion(
  server: DevServer,
  client: Client,
  connection: NativeConnection,
  variant: VariantName,
  prefix: string,
  enough: (all: Recorded[]) => Promise<boolean>,
): Promise<Recorded[]> {
  const bundle = await bundleVariant(variant);
  const all: Recorded[] = [];
  for (let batch = 1; batch <= 3; batch++) {
    console.log(`  ${prefix}: batch ${batch} (6 executions)...`);
    all.push(...(await runExecutions(client, connection, bundle, prefix, 6)));
    if (await enough(all)) return all;
  }
  throw new Error(`${prefix}: 18 executions did not give both sides of the random gate; run the script again.`);
}

async function main(): Promise<void> {
  const outArg = process.argv.indexOf('--out');
  const out = outArg > 0 ? path.resolve(process.argv[outArg + 1]!) : FIXTURES;
  installRuntime('WARN');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'record-fixtures-'));
  console.log('Starting a Temporal dev server (free ports, throw-away database)...');
  const server = await startDevServerIn(tmp);
  const clientConnection = await Connection.connect({ address: server.address, connectTimeout: '5s' });
  const connection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection: clientConnection, namespace: NAMESPACE });
  const manifest: Record<string, unknown> = {
    recordedAt: new Date().toISOString(),
    server: (await run(requireBinary(TEMPORAL_CLI), ['--version'])).stdout.trim(),
    sdk: require('@temporalio/worker/package.json').version,
    files: {} as Record<string, unknown>,
  };
  const files = manifest.files as Record<string, unknown>;
  try {
    const probe = await bundleVariant('draw-probe');
    const drawsOf = (all: Recorded[]) => probeDraws(probe, all.map((r) => ({ workflowId: r.workflowId, history: r.history })));

    // Version 0: keep executions on both sides of the current code's random gate.
    console.log('Recording version 0 (before the sleep was added)...');
    const v0 = await recordVersion(server, client, connection, 'v0-before-sleep', 'v0', async (all) => {
      const draws = [...(await drawsOf(all)).values()];
      return draws.filter((d) => d.randomNumber < 50).length >= 2 && draws.some((d) => d.randomNumber >= 50);
    });
    const v0Draws = await drawsOf(v0);
    fs.mkdirSync(path.join(out, 'v0'), { recursive: true });
    let below = 0;
    let above = 0;
    for (const r of v0) {
      const draw = v0Draws.get(r.workflowId)!.randomNumber;
      // Two that the current code's draw sends into the timer branch, one that it doesn't.
      if (draw < 50 ? below++ >= 2 : above++ >= 1) continue;
      const file = await saveCli(server, path.join(out, 'v0'), `v0-${draw < 50 ? 'gate-timer' : 'gate-no-timer'}-${draw < 50 ? below : above}`, r);
      files[path.relative(out, file)] = { version: 'v0-before-sleep', currentCodeDraw: draw, events: r.history.events?.length };
    }

    for (const [variant, dirName] of [['v1-patched', 'v1-patched'], ['v2-deprecated', 'v2-deprecated']] as const) {
      console.log(`Recording ${variant} (executions on the timer branch sleep 60 s)...`);
      const recorded = await recordVersion(server, client, connection, variant, dirName, async (all) => all.some((r) => hasTimer(r.history)) && all.some((r) => !hasTimer(r.history)));
      fs.mkdirSync(path.join(out, dirName), { recursive: true });
      for (const branch of ['timer', 'no-timer'] as const) {
        const r = recorded.find((x) => hasTimer(x.history) === (branch === 'timer'))!;
        const file = await saveCli(server, path.join(out, dirName), `${dirName}-${branch}`, r);
        files[path.relative(out, file)] = { version: variant, branch, events: r.history.events?.length };
      }
    }

    // The current workflow, saved every way the chapter names.
    console.log('Recording the current workflow, saved from every history source...');
    const current = (await runExecutions(client, connection, { code: fs.readFileSync((await prebuiltBundle()).codePath, 'utf8') }, 'sources', 1))[0]!;
    const sources = path.join(out, 'sources');
    fs.mkdirSync(sources, { recursive: true });
    const cliText = await cliShow(server, current.workflowId, current.runId);
    fs.writeFileSync(path.join(sources, 'cli-show.json'), cliText.endsWith('\n') ? cliText : cliText + '\n');
    // Older CLIs (and tctl) wrote enum values in short form: "WorkflowExecutionStarted", "Normal".
    const shortEnums = cliText.replace(/"(EVENT_TYPE|TASK_QUEUE_KIND)_([A-Z_]+)"/g, (_m, _prefix, name: string) =>
      JSON.stringify(name.toLowerCase().replace(/(^|_)([a-z])/g, (_x, _sep, c: string) => c.toUpperCase())),
    );
    fs.writeFileSync(path.join(sources, 'cli-show-short-enums.json'), shortEnums.endsWith('\n') ? shortEnums : shortEnums + '\n');
    fs.writeFileSync(path.join(sources, 'web-ui-export.json'), await webUiExport(server, current.workflowId, current.runId));
    fs.writeFileSync(path.join(sources, 'sdk-fetch-history.json'), historyToJSON(current.history) + '\n');
    for (const name of ['cli-show.json', 'cli-show-short-enums.json', 'web-ui-export.json', 'sdk-fetch-history.json']) {
      files[`sources/${name}`] = { version: 'current', branch: hasTimer(current.history) ? 'timer' : 'no-timer', events: current.history.events?.length };
    }
    // A README, not a .json file: everything *.json under fixtures/ is a history.
    const rows = Object.entries(files).map(([file, meta]) => `| \`${file}\` | ${Object.entries(meta as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`).join(', ')} |`);
    fs.writeFileSync(
      path.join(out, 'README.md'),
      [
        '# Replay fixtures',
        '',
        `Recorded ${String(manifest.recordedAt)} from a real dev server (${String(manifest.server)}), SDK ${String(manifest.sdk)},`,
        'by `pnpm --filter @background-check/replay record:fixtures` (src/record-fixtures.ts). Every file but',
        '`sources/cli-show-short-enums.json` (the CLI file with enum values in the older short spelling) is',
        'exactly what the named tool saved.',
        '',
        '| File | |',
        '|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
    console.log(`Fixtures written to ${path.relative(repoRoot(), out) || out}:`);
    for (const [file, meta] of Object.entries(files)) console.log(`  ${file}  ${JSON.stringify(meta)}`);
  } finally {
    await clientConnection.close();
    await connection.close();
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`Recording failed: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  },
);
