export * from './expect';
export * from './page';
export * from './patch';
export * from './run';
export * from './scratch';
export * from './static-checks';
