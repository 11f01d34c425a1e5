export * from './agent-process';
export * from './service-state';
export * from './bridge';
export * from './channels';
