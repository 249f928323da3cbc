import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { repoRoot } from '@background-check/common';

type Attributes = { input?: { payloads?: { data?: string }[] }; workflowId?: string } | undefined;

/**
 * `count` histories cloned from the committed corpus (histories/: both sides of the random gate), each
 * with its own SSN and workflow id, which replay does not compare with the code. The run id stays, so a
 * copy draws its original's number, takes its branch, and replays.
 */
export function generateHistories(count: number, dir = path.join(repoRoot(), 'histories')): History[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  const originals = files.sort().map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
  if (originals.length === 0) throw new Error(`No histories in ${dir} to clone.`);
  return Array.from({ length: count }, (_, i) => {
    const json = JSON.parse(originals[i % originals.length]!) as { events: Record<string, Attributes>[] };
    const ssn = `555-${String(Math.floor(i / 10_000) % 100).padStart(2, '0')}-${String(i % 10_000).padStart(4, '0')}`;
    for (const event of json.events) {
      const started = event.workflowExecutionStartedEventAttributes;
      for (const attributes of [started, event.activityTaskScheduledEventAttributes]) {
        const payload = attributes?.input?.payloads?.[0];
        if (payload) payload.data = Buffer.from(JSON.stringify(ssn)).toString('base64');
      }
      if (started) started.workflowId = `${started.workflowId}-bench-${i}`;
    }
    return historyFromJSON(json);
  });
}
