export { PROTOCOL_VERSION, SUBPROTOCOL, CONNECT_PATH, MAX_FRAME_BYTES, CloseCode } from './wire';
export { Seq } from './seq';
export { HelloMessage, AgentInfo } from './hello';
export { WelcomeMessage } from './welcome';
export { HeartbeatMessage } from './heartbeat';
export { AckMessage } from './ack';
export { CommandMessage, TypedCommandMessage } from './command';
export { CancelMessage } from './cancel';
export { AcceptedMessage } from './accepted';
export { ProgressMessage } from './progress';
export { ResultMessage } from './result';
export { SlotStatusMessage } from './slot-status';
export { DeploymentUpdateMessage } from './deployment-update';
export { LogMessage } from './log';
export {
  COMMAND_PAYLOADS,
  COMMAND_NAMES,
  isCommandName,
  SlotDeployPayload,
  SlotBatchDeployPayload,
  SlotActionPayload,
  SlotPromotePayload,
  SlotRollbackPayload,
  SlotRemovePayload,
  SlotLogsPayload,
  SlotLogsSubscribePayload,
  SlotLogsUnsubscribePayload,
  SlotMetricsPayload,
  DeploymentsListPayload,
  DeploymentsDeletePayload,
  HostStatusPayload,
  type CommandName,
  type CommandPayload,
} from './command-payloads';
export { COMMAND_RESULTS, BatchDeployResult, SlotLogsResult, DeploymentsListResult, HostStatusResult, type CommandResult } from './command-results';
export { ServerFrame } from './server-frame';
export { AgentFrame, ReliableMessage, type ReliableBody, type ReliableType } from './agent-frame';
export { protocolJsonSchemas } from './json-schema';
