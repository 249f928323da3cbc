export * from './args';
export * from './starter';
export * from './wait';
