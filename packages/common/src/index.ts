export * from './names';
export * from './ssn';
