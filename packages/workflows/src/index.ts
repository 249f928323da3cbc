// Every export of this module is registered as a workflow type by the worker.
export { BackgroundCheck } from './background-check';
