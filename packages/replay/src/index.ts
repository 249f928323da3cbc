export * from './replay';
export * from './report';
export * from './validate';
export * from './workflow-types';
