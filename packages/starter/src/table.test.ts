import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { repoRoot } from '@background-check/common';
import { formatHistoryTable, historyResult } from './table';

const load = (name: string) =>
  historyFromJSON(JSON.parse(fs.readFileSync(path.join(repoRoot(), 'histories', name), 'utf8')));

describe("the chapter's history table", () => {
  it('prints the eleven events and the result of a run without the timer', () => {
    const table = formatHistoryTable(load('backgroundcheck_no_timer_1.json')).split('\n');
    expect(table[0]).toBe('Progress:');
    expect(table[1]).toMatch(/^\s+ID\s+Time\s+Type$/);
    const rows = table.slice(2, 13).map((line) => line.trim().split(/\s+/));
    expect(rows.map((cols) => cols[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect(rows.every((cols) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(cols[1]!))).toBe(true);
    expect(rows.map((cols) => cols[2])).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
    expect(table.slice(-3)).toEqual(['Result:', '  Status: COMPLETED', '  Output: ["pass"]']);
  });

  it('shows TimerStarted and TimerFired for a run that slept', () => {
    const table = formatHistoryTable(load('backgroundcheck_timer_1.json'));
    expect(table).toMatch(/\s5\s+\S+\s+TimerStarted\n\s+6\s+\S+\s+TimerFired\n/);
  });

  it('reports a run with no closing event as RUNNING', () => {
    const history = load('backgroundcheck_no_timer_1.json');
    expect(historyResult({ events: history.events!.slice(0, 5) })).toEqual({ status: 'RUNNING', output: '' });
  });
});
