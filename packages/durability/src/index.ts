// Helpers of the fault tests, for other test suites that start workers and servers the same way.
export * from './children';
export * from './executions';
export * from './suite';
export * from './tls';
