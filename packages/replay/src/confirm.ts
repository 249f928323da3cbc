import type { DataConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { withActivityType, withoutTimer } from './counterfactual';
import { explainNondeterminism, type Explanation } from './explain';
import { commandsFromCompletions } from './recording-worker';
import { replayInProcess } from './in-process';

interface Hypothesis {
  item: number;
  history: History;
  /** The verdict from the edited history's replay: the explanation to keep, or undefined to keep the guess. */
  judge(ok: boolean, next?: Explanation): Explanation | undefined;
}

/**
 * Some divergences fit two changes: code that goes straight to activity X where the history started a
 * timer has either lost the timer or moved it after X. Each such guess is checked by replaying an
 * edited copy of the history (here: without that timer) against the same code: if it replays, the
 * timer was removed; if the code then starts its timer after the activity, it was moved.
 */
export async function confirmExplanations(
  items: { history: History; explanation: Explanation }[],
  code: string,
  historyTimeoutMs: number,
  dataConverter?: DataConverter,
): Promise<Explanation[]> {
  const out = items.map((i) => i.explanation);
  const hypotheses: Hypothesis[] = [];
  items.forEach(({ history, explanation: x }, item) => {
    const sure = (kind: Explanation['kind'], summary: string): Explanation => ({ ...x, kind, alternatives: [], summary });
    if (x.kind === 'removed-timer' && x.alternatives.includes('reordered-activity-and-timer') && x.eventId !== undefined) {
      const edited = withoutTimer(history, x.eventId);
      if (edited) {
        hypotheses.push({
          item,
          history: edited,
          judge: (ok, next) => {
            if (ok) return sure('removed-timer', `The history ${x.history?.description} before activity ${x.code?.activityType}; the code no longer starts it: the timer was removed. Checked: with that timer taken out, the history replays.`);
            if (next?.code?.kind === 'timer') {
              return sure('reordered-activity-and-timer', `The history ${x.history?.description} before activity ${x.code?.activityType}; the code ${next.code.description} after it. Checked: with the timer taken out of the history, the code starts it later (event ${next.eventId}).`);
            }
            return undefined;
          },
        });
      }
    }
    if (x.kind === 'changed-activity-type' && x.eventId !== undefined && x.code?.activityType) {
      const edited = withActivityType(history, x.eventId, x.code.activityType);
      if (edited) {
        hypotheses.push({
          item,
          history: edited,
          judge: (ok, next) => {
            if (ok) return sure('changed-activity-type', `Where the history scheduled activity ${x.history?.activityType}, the code schedules ${x.code?.activityType}: the activity type was switched. Checked: with the type changed in the history, it replays.`);
            if (next?.code?.kind === 'activity' && next.code.activityType === x.history?.activityType) {
              return sure('added-activity', `The code schedules activity ${x.code?.activityType} before ${x.history?.activityType}, which the history does not have: an activity call was added.`);
            }
            return undefined;
          },
        });
      }
    }
    if (x.kind === 'reordered-activity-and-timer' && x.eventId !== undefined) {
      const laterTimer = history.events?.find((e) => Number(e.eventId?.toString()) > x.eventId! && e.timerStartedEventAttributes);
      const edited = laterTimer ? withoutTimer(history, Number(laterTimer.eventId?.toString())) : undefined;
      if (edited) {
        hypotheses.push({
          item,
          history: edited,
          judge: (ok) => (ok ? undefined : sure('added-timer', `The code ${x.code?.description} before activity ${x.history?.activityType}: a timer was added.`)),
        });
      }
    }
  });
  if (hypotheses.length === 0) return out;
  await replayInProcess(
    hypotheses.map((h, i) => ({ workflowId: String(i), history: h.history })),
    code,
    historyTimeoutMs,
    (index, outcome) => {
      const h = hypotheses[index]!;
      const next = outcome.ok ? undefined : explainNondeterminism(h.history, outcome.message ?? '', outcome.completions ? commandsFromCompletions(outcome.completions) : undefined);
      const verdict = h.judge(outcome.ok, next);
      if (verdict) out[h.item] = verdict;
    },
    dataConverter,
  );
  return out;
}
