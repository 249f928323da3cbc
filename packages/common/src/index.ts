export * from './cli';
export * from './events';
export * from './names';
export * from './ssn';
