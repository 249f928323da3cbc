import { temporal } from '@temporalio/proto';

const { EventType } = temporal.api.enums.v1;

/** 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED', or its number, -> 'WorkflowTaskScheduled', as the CLI prints it. */
export function eventTypeName(eventType: temporal.api.enums.v1.EventType | string | null | undefined): string {
  const constant = typeof eventType === 'string' ? eventType : EventType[eventType ?? 0];
  if (!constant) return `Unknown(${String(eventType)})`;
  if (!constant.startsWith('EVENT_TYPE_')) return constant;
  return constant
    .slice('EVENT_TYPE_'.length)
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _sep, c: string) => c.toUpperCase());
}
