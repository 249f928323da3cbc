import { eventTypeName } from '../src/events';

describe('eventTypeName', () => {
  it('prints every form of an event type the way the CLI table does', () => {
    expect(eventTypeName('EVENT_TYPE_WORKFLOW_TASK_SCHEDULED')).toBe('WorkflowTaskScheduled');
    expect(eventTypeName('TimerFired')).toBe('TimerFired');
    expect(eventTypeName(1)).toBe('WorkflowExecutionStarted');
    expect(eventTypeName(undefined)).toBe('Unspecified');
    // A number newer than this SDK's enum (from a newer server).
    expect(eventTypeName(9999 as Parameters<typeof eventTypeName>[0])).toBe('Unknown(9999)');
  });
});
