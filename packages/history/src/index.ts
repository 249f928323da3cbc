export * from './capture';
export { shownPath, userPath } from './cli-support';
export * from './format';
export * from './read';
export * from './server';
export * from './shape';
