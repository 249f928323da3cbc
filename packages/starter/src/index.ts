export * from './starter';
export * from './table';
