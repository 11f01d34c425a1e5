import { z } from 'zod';
import { AcceptedMessage } from './accepted';
import { DeploymentUpdateMessage } from './deployment-update';
import { HeartbeatMessage } from './heartbeat';
import { HelloMessage } from './hello';
import { LogMessage } from './log';
import { ProgressMessage } from './progress';
import { ResultMessage } from './result';
import { SlotStatusMessage } from './slot-status';

/** The messages that carry a `seq` and go through the outbox. */
export const ReliableMessage = z.discriminatedUnion('type', [AcceptedMessage, ProgressMessage, ResultMessage, SlotStatusMessage, DeploymentUpdateMessage]);
export type ReliableMessage = z.infer<typeof ReliableMessage>;
export type ReliableType = ReliableMessage['type'];

type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;
/** A reliable message before the outbox numbers it. */
export type ReliableBody = WithoutSeq<ReliableMessage>;

/** Every frame the agent sends to a server. */
export const AgentFrame = z.discriminatedUnion('type', [HelloMessage, HeartbeatMessage, LogMessage, ...ReliableMessage.options]);
export type AgentFrame = z.infer<typeof AgentFrame>;
