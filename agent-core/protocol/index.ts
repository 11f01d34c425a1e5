export * from './names';
export * from './errors';
export * from './command';
export * from './source';
export * from './slot-spec';
export * from './slot-status';
export * from './deployment';
export * from './traffic-metrics';
