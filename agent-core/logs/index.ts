export { deploymentLogPath, slotLogDir } from './log-paths';
export { LogFile, DEFAULT_LOG_MAX_BYTES, type LogFileOptions } from './log-file';
export {
  LogFanout,
  DEFAULT_SUBSCRIBER_BUFFER_BYTES,
  type LogEvent,
  type LogSubscriber,
  type LogSubscription,
  type SubscribeOptions,
} from './log-fanout';
export { DeploymentOutput, type DeploymentOutputOptions } from './deployment-output';
export { readLog, type LogText, type ReadLogOptions } from './log-reader';
export { pruneLogs, type PruneOptions } from './retention';
