/**
 * The one place for the names the worker, the starter, the tests and the docs agree on.
 * They match the chapter "Develop code that durably executes".
 */
export const NAMESPACE = 'backgroundcheck_namespace';
export const TASK_QUEUE = 'backgroundcheck-tasks';
export const WORKFLOW_ID = 'backgroundcheck_workflow';
/** The workflow type: the exported function name in packages/workflows. */
export const WORKFLOW_TYPE = 'BackgroundCheck';
/** The default local server the chapter uses (`temporal server start-dev`). */
export const DEFAULT_ADDRESS = 'localhost:7233';
/** A fake SSN in the well-formed shape; never a real person's. */
export const SAMPLE_SSN = '555-55-5555';
/** The Worker Deployment the worker joins when it runs as a version (`--build-id`). */
export const DEPLOYMENT_NAME = 'backgroundcheck';
