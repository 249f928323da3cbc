export * from './bundle';
export * from './explain';
export * from './load';
export * from './replay';
export * from './report';
export * from './server';
export * from './versioning';
