import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { repoRoot, stateDir } from '@background-check/common';

type Attributes = { input?: { payloads?: { data?: string }[] }; workflowId?: string } | undefined;
const CORPUS = () => path.join(repoRoot(), 'histories');

function originals(dir: string): string[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (files.length === 0) throw new Error(`No histories in ${dir} to clone.`);
  return files.sort().map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

/**
 * `count` histories (proto JSON, as the CLI saves them) cloned from the committed corpus (histories/: both
 * sides of the random gate), each with its own SSN and workflow id, which replay does not compare with
 * the code. The run id stays, so a copy draws its original's number, takes its branch, and replays.
 */
export function* generateHistoryJson(count: number, dir = CORPUS()): Generator<string> {
  const sources = originals(dir);
  for (let i = 0; i < count; i++) {
    const json = JSON.parse(sources[i % sources.length]!) as { events: Record<string, Attributes>[] };
    const ssn = `555-${String(Math.floor(i / 10_000) % 100).padStart(2, '0')}-${String(i % 10_000).padStart(4, '0')}`;
    for (const event of json.events) {
      const started = event.workflowExecutionStartedEventAttributes;
      for (const attributes of [started, event.activityTaskScheduledEventAttributes]) {
        const payload = attributes?.input?.payloads?.[0];
        if (payload) payload.data = Buffer.from(JSON.stringify(ssn)).toString('base64');
      }
      if (started) started.workflowId = `${started.workflowId}-bench-${i}`;
    }
    yield JSON.stringify(json);
  }
}

export const generateHistories = (count: number, dir = CORPUS()): History[] =>
  Array.from(generateHistoryJson(count, dir), (json) => historyFromJSON(JSON.parse(json)));

/**
 * A folder of `count` generated history files, written once and reused while the corpus is unchanged
 * (under .temporal/bench/; a `complete` file marks a folder whose writing finished).
 */
export function historyFolder(count: number, dir = CORPUS()): string {
  const hash = crypto.createHash('sha256');
  for (const source of originals(dir)) hash.update(source);
  const folder = stateDir('bench', `histories-${count}-${hash.digest('hex').slice(0, 12)}`);
  if (fs.existsSync(path.join(folder, 'complete'))) return folder;
  // Folders of this size cloned from an older corpus are stale.
  for (const old of fs.readdirSync(path.dirname(folder)).filter((f) => f.startsWith(`histories-${count}-`))) {
    if (old !== path.basename(folder))
      fs.rmSync(path.join(path.dirname(folder), old), { recursive: true, force: true });
  }
  let i = 0;
  for (const json of generateHistoryJson(count, dir)) {
    fs.writeFileSync(path.join(folder, `bench-${String(i++).padStart(6, '0')}.json`), json);
  }
  fs.writeFileSync(path.join(folder, 'complete'), '');
  return folder;
}
