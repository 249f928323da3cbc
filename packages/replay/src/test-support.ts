// Shared by this package's tests: the committed corpus, its branches, and a quiet SDK runtime.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@background-check/servers';
import { listHistoryFiles } from './validate';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** The committed corpus: every history in histories/. */
export function corpusFiles(): string[] {
  return listHistoryFiles(path.join(repoRoot(), 'histories'));
}

/** True when the execution took the timer branch (its draw was below 50): its history has a TimerStarted. */
export function tookTimerBranch(file: string): boolean {
  const events = (JSON.parse(fs.readFileSync(file, 'utf8')) as { events: { eventType: string }[] }).events;
  return events.some((e) => /^(EVENT_TYPE_)?TIMER_STARTED$|^TimerStarted$/.test(e.eventType));
}

/** The corpus split by the random gate; fails loudly when a branch is missing (tests must not pass by luck). */
export function corpusByBranch(): { timer: string[]; noTimer: string[] } {
  const files = corpusFiles();
  const timer = files.filter(tookTimerBranch);
  const noTimer = files.filter((f) => !tookTimerBranch(f));
  if (timer.length === 0 || noTimer.length === 0) {
    throw new Error(
      `The corpus in histories/ must hold both sides of the random gate (histories with and without the 60 s timer); it has ${timer.length} with and ${noTimer.length} without. Record more with \`pnpm history:capture\`.`,
    );
  }
  return { timer, noTimer };
}
