import fs from 'node:fs';
import path from 'node:path';

type Json = Record<string, unknown>;

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A fake SSN per index, always in the 555 range (never a real person's). */
export function fakeSsn(i: number): string {
  return `555-${String(Math.floor(i / 10_000) % 100).padStart(2, '0')}-${String(i % 10_000).padStart(4, '0')}`;
}

/**
 * Writes `count` histories into `dir`, made from recorded ones by varying what replay doesn't check
 * against the code: the SSN argument (workflow input and activity input), the workflow id and the
 * worker identity. Run ids stay, so each copy draws the same random number as its original and takes
 * the same branch: every copy still replays. Returns the file paths.
 */
export function makeCorpus(sources: string[], count: number, dir: string): string[] {
  if (sources.length === 0) throw new Error('No recorded histories to vary: record some into histories/ first (pnpm history:capture).');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const originals = sources.map((f) => fs.readFileSync(f, 'utf8'));
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const json = JSON.parse(originals[i % originals.length]!) as { events: Json[] };
    const ssn = JSON.stringify(fakeSsn(i));
    for (const event of json.events) {
      const started = event.workflowExecutionStartedEventAttributes as Json | undefined;
      const scheduled = event.activityTaskScheduledEventAttributes as Json | undefined;
      for (const attrs of [started, scheduled]) {
        const payloads = (attrs?.input as { payloads?: Json[] } | undefined)?.payloads;
        if (payloads?.[0]) payloads[0].data = b64(ssn);
      }
      if (started) {
        if (typeof started.workflowId === 'string') started.workflowId = `${started.workflowId}-bench-${i}`;
        started.identity = `bench-${i}@replay`;
      }
    }
    const file = path.join(dir, `history-${String(i).padStart(5, '0')}.json`);
    fs.writeFileSync(file, JSON.stringify(json));
    files.push(file);
  }
  return files;
}
