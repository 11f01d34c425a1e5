export { defineService, winswConfigXml, type ServiceHost, type ServiceDefinition, type ProgramCopy } from './service-definition';
export { serviceLayout, serviceRoot, type ServiceLayout } from './service-layout';
export { parseServiceAccount, parseInstallingUser, serviceSid, virtualAccount, accountPrincipal, SIDS, type ServiceAccount } from './service-account';
export { folderAclSteps, takeOverRootSteps, inheritOnlySteps } from './service-acl';
export {
  installSteps,
  uninstallSteps,
  statusStep,
  accountSteps,
  systemRootOf,
  SERVICE_PRIVILEGES,
  type ServiceStep,
  type RunStep,
  type WrapperFiles,
} from './service-steps';
export { runServiceSteps, runProgram, checkPlanPaths, type RunProgram, type ProgramOutcome } from './run-steps';
export { installService, uninstallService, queryService, requireWindows, type ServiceAdminOptions } from './service-admin';
export { wrapperFiles } from './wrapper-files';
export { serviceSecretStore, SERVICE_KEYCHAIN } from './service-secret-store';
export { handOverApiKey, type HandoverOutcome } from './key-handover';
export { startServiceAgent, type ServiceAgent } from './service-host';
export { mirrorLocalApiAccess } from './access-mirror';
