/**
 * The workflow types a workflows module defines: its exported functions. Read from the module's
 * exports (in Node, outside the sandbox) so a history of an unknown type is reported clearly.
 */
export function workflowTypesOf(workflowsModule: Record<string, unknown>): string[] {
  return Object.entries(workflowsModule)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name)
    .sort();
}
