export * from './codec';
export * from './env';
