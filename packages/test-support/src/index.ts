// Test-only helpers, for the tests of every package (a devDependency; no runtime code imports it).
export * from './executions';
export * from './processes';
export * from './servers';
export * from './suite';
export * from './tls';
