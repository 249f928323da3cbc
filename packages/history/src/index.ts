export * from './format';
export * from './server';
