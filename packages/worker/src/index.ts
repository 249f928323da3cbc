export * from './bundle';
export * from './runtime';
export * from './worker';
