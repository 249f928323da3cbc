export * from './capture';
export * from './format';
export * from './read';
export * from './server';
export * from './shape';
