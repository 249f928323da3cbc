export * from './binaries';
export * from './cluster';
export * from './postgres';
