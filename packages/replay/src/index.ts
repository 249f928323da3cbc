// The replay check as a library: load histories, replay them (one worker, or child processes), explain, report.
// Only defaults.ts, which this index leaves out, names the Background Check sample.
export * from './bundle';
export * from './check';
export * from './connect';
export * from './errors';
export * from './events';
export * from './explain';
export * from './load';
export * from './replay';
export * from './report';
export * from './server';
export * from './versioning';
