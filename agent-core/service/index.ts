export { defineService, winswConfigXml, serviceDirectory, type ServiceHost, type ServiceDefinition } from './service-definition';
export { installSteps, uninstallSteps, statusStep, type ServiceStep, type WrapperFiles } from './service-steps';
export { runServiceSteps, runCommand, type RunCommand, type CommandOutcome } from './run-steps';
export { installService, uninstallService, queryService, type ServiceAdminOptions } from './service-admin';
export { wrapperFiles } from './wrapper-files';
export { serviceSecretStore, SERVICE_KEYCHAIN } from './service-secret-store';
export { handOverApiKey, type HandoverOutcome } from './key-handover';
export { startServiceAgent, type ServiceAgent } from './service-host';
