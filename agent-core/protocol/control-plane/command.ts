import { z } from 'zod';
import { COMMAND_NAMES, COMMAND_PAYLOADS, type CommandName } from './command-payloads';

/**
 * A command as the agent first reads it: the name and payload are checked afterwards, so that an
 * unknown name or a bad payload is answered with a result (UNKNOWN_COMMAND, INVALID_PAYLOAD)
 * instead of being dropped.
 */
export const CommandMessage = z.object({
  type: z.literal('command'),
  commandId: z.string().min(1),
  name: z.string(),
  payload: z.unknown().optional(),
});
export type CommandMessage = z.infer<typeof CommandMessage>;

function typedCommand<N extends CommandName>(name: N) {
  return z.object({
    type: z.literal('command'),
    commandId: z.string().min(1),
    name: z.literal(name),
    payload: COMMAND_PAYLOADS[name],
  });
}

const typed = COMMAND_NAMES.map(typedCommand);

/** A command as a server should send it: each name with its own payload (what the JSON Schema publishes). */
export const TypedCommandMessage = z.discriminatedUnion('name', [typed[0]!, ...typed.slice(1)]);
export type TypedCommandMessage = z.infer<typeof TypedCommandMessage>;
