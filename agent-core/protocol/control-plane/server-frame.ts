import { z } from 'zod';
import { AckMessage } from './ack';
import { CancelMessage } from './cancel';
import { CommandMessage } from './command';
import { WelcomeMessage } from './welcome';

/** Every frame a server sends to the agent. */
export const ServerFrame = z.discriminatedUnion('type', [WelcomeMessage, AckMessage, CommandMessage, CancelMessage]);
export type ServerFrame = z.infer<typeof ServerFrame>;
