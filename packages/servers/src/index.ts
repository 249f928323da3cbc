export * from './binaries';
export * from './dev-server';
