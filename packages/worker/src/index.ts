export * from './bundle';
export * from './worker';
