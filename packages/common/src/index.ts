export * from './cli';
export * from './names';
export * from './ssn';
