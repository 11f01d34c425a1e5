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
export { DeploymentOutput, type DeploymentOutputOptions, type FollowOptions } from './deployment-output';
export { readLog, readLogRange, logText, type LogText, type ReadLogOptions } from './log-reader';
export { followLog, finishedLog, type FollowedLog } from './log-follower';
export { CAP_MARKER_PATTERN, type LogRange } from './log-range';
export { pruneLogs, type PruneOptions } from './retention';
