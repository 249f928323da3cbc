// Shared by this package's tests: the committed corpus and its branches.
import path from 'node:path';
import { repoRoot } from '@background-check/common';
import { listHistoryFiles, loadHistoryFile } from '../src/load';
import type { HistoryInput } from '../src/replay';

export const FIXTURES = path.join(__dirname, 'fixtures');

export const inputsOf = (files: string[]): HistoryInput[] => files.map((f) => ({ source: path.basename(f), loaded: loadHistoryFile(f) }));

/** True when the execution took the timer branch (its draw was below 50): its history has a TimerStarted. */
export function tookTimerBranch(file: string): boolean {
  const loaded = loadHistoryFile(file);
  return 'history' in loaded && !!loaded.history.events?.some((e) => e.timerStartedEventAttributes);
}

/** The corpus (histories/) split by the random gate; fails loudly when a branch is missing, so no test passes by luck. */
export function corpusByBranch(): { timer: string[]; noTimer: string[] } {
  const files = listHistoryFiles(path.join(repoRoot(), 'histories'));
  const timer = files.filter(tookTimerBranch);
  const noTimer = files.filter((f) => !tookTimerBranch(f));
  if (timer.length === 0 || noTimer.length === 0) {
    throw new Error(`histories/ must hold both sides of the random gate; it has ${timer.length} with the timer and ${noTimer.length} without.`);
  }
  return { timer, noTimer };
}
