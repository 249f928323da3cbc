export * from './binaries';
export * from './dev-server';
export * from './paths';
export * from './test-env';
export * from './processes';
