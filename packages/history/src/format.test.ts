import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { eventTypeName, formatHistoryTable, historyResult } from './format';

const corpus = path.resolve(__dirname, '..', '..', '..', 'histories');
const load = (name: string) => historyFromJSON(JSON.parse(fs.readFileSync(path.join(corpus, name), 'utf8')));

describe('eventTypeName', () => {
  it('prints every form of an event type the way the CLI table does', () => {
    expect(eventTypeName('EVENT_TYPE_WORKFLOW_TASK_SCHEDULED')).toBe('WorkflowTaskScheduled');
    expect(eventTypeName('TimerFired')).toBe('TimerFired');
    expect(eventTypeName(1)).toBe('WorkflowExecutionStarted');
  });
});

describe('formatHistoryTable', () => {
  it("prints the chapter's eleven-event table and result for a run without the timer", () => {
    const history = load('backgroundcheck_workflow_history.json');
    const table = formatHistoryTable(history).split('\n');
    expect(table[0]).toBe('Progress:');
    expect(table[1]).toMatch(/^\s+ID\s+Time\s+Type$/);
    const types = table.slice(2, 13).map((line) => line.trim().split(/\s+/));
    expect(types.map((cols) => cols[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect(types.every((cols) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(cols[1]!))).toBe(true);
    expect(types.map((cols) => cols[2])).toEqual([
      'WorkflowExecutionStarted', 'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted',
      'ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted',
      'WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted', 'WorkflowExecutionCompleted',
    ]);
    expect(table.slice(-3)).toEqual(['Result:', '  Status: COMPLETED', '  Output: ["pass"]']);
  });

  it('shows TimerStarted and TimerFired for a run that slept', () => {
    const table = formatHistoryTable(load('backgroundcheck_timer_1.json'));
    expect(table).toMatch(/\s5\s+\S+\s+TimerStarted\n\s+6\s+\S+\s+TimerFired\n/);
  });

  it('reports a run with no closing event as RUNNING', () => {
    const history = load('backgroundcheck_workflow_history.json');
    expect(historyResult({ events: history.events!.slice(0, 5) })).toEqual({ status: 'RUNNING', output: '' });
  });
});
