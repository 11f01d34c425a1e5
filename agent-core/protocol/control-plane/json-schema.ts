import { z } from 'zod';
import { AckMessage } from './ack';
import { AcceptedMessage } from './accepted';
import { AgentFrame } from './agent-frame';
import { CancelMessage } from './cancel';
import { TypedCommandMessage } from './command';
import { COMMAND_NAMES, COMMAND_PAYLOADS } from './command-payloads';
import { COMMAND_RESULTS } from './command-results';
import { DeploymentUpdateMessage } from './deployment-update';
import { HeartbeatMessage } from './heartbeat';
import { HelloMessage } from './hello';
import { LogMessage } from './log';
import { ProgressMessage } from './progress';
import { ResultMessage } from './result';
import { ServerFrame } from './server-frame';
import { SlotStatusMessage } from './slot-status';
import { WelcomeMessage } from './welcome';
import { CONNECT_PATH, CloseCode, MAX_FRAME_BYTES, PROTOCOL_VERSION, SUBPROTOCOL } from './wire';

type Direction = 'agent-to-server' | 'server-to-agent';

const ZOD_ONLY_FORMATS = new Set(['starts_with', 'ends_with', 'includes', 'regex']);

interface MessageEntry {
  schema: z.ZodType;
  direction: Direction;
  /** Carries `seq` and goes through the agent's outbox. */
  reliable: boolean;
  description: string;
}

const MESSAGES: Record<string, MessageEntry> = {
  hello: { schema: HelloMessage, direction: 'agent-to-server', reliable: false, description: "The agent's first frame on every connection." },
  welcome: { schema: WelcomeMessage, direction: 'server-to-agent', reliable: false, description: "The server's answer to hello." },
  heartbeat: { schema: HeartbeatMessage, direction: 'agent-to-server', reliable: false, description: 'Sent every heartbeatIntervalMs after welcome.' },
  ack: { schema: AckMessage, direction: 'server-to-agent', reliable: false, description: 'Cumulative acknowledgement of reliable agent messages.' },
  command: { schema: TypedCommandMessage, direction: 'server-to-agent', reliable: false, description: 'A command; its payload depends on its name (see commands/).' },
  cancel: { schema: CancelMessage, direction: 'server-to-agent', reliable: false, description: 'Cancels a queued or running command.' },
  accepted: { schema: AcceptedMessage, direction: 'agent-to-server', reliable: true, description: 'A command was received, recorded and queued.' },
  progress: { schema: ProgressMessage, direction: 'agent-to-server', reliable: true, description: 'A step of a running command.' },
  result: { schema: ResultMessage, direction: 'agent-to-server', reliable: true, description: "A command's one result; data per command is in commands/." },
  'slot.status': { schema: SlotStatusMessage, direction: 'agent-to-server', reliable: true, description: "A slot's status changed." },
  'deployment.update': { schema: DeploymentUpdateMessage, direction: 'agent-to-server', reliable: true, description: 'A deployment changed state.' },
  log: { schema: LogMessage, direction: 'agent-to-server', reliable: false, description: 'Live output of a log subscription; best effort.' },
};

/**
 * What the receiver accepts: a server-to-agent schema is the agent's input (defaults optional), an
 * agent-to-server one the agent's output. Receivers ignore fields they do not know, so later
 * versions can add optional fields: no schema forbids additional properties.
 */
function toJsonSchema(schema: z.ZodType, direction: Direction, title: string, description: string): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    io: direction === 'server-to-agent' ? 'input' : 'output',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
      // zod names its string checks as formats no validator knows; the pattern beside it says the same.
      if (typeof jsonSchema.format === 'string' && ZOD_ONLY_FORMATS.has(jsonSchema.format)) delete jsonSchema.format;
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return { $schema, title, description, ...rest };
}

/**
 * The control-plane protocol as JSON Schema files, by path under schema/: one per message, one per
 * command payload and result, the two frame unions, and an index that ties them together.
 */
export function protocolJsonSchemas(): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const [type, entry] of Object.entries(MESSAGES)) {
    files[`messages/${type}.json`] = toJsonSchema(entry.schema, entry.direction, type, entry.description);
  }
  for (const name of COMMAND_NAMES) {
    files[`commands/${name}.payload.json`] = toJsonSchema(COMMAND_PAYLOADS[name], 'server-to-agent', `${name} payload`, `The payload of the ${name} command.`);
    files[`commands/${name}.result.json`] = toJsonSchema(COMMAND_RESULTS[name], 'agent-to-server', `${name} result`, `The data of a successful ${name} result.`);
  }
  files['server-frame.json'] = toJsonSchema(ServerFrame, 'server-to-agent', 'server frame', 'Any frame a server sends (commands as the agent first reads them).');
  files['agent-frame.json'] = toJsonSchema(AgentFrame, 'agent-to-server', 'agent frame', 'Any frame the agent sends.');
  files['index.json'] = {
    title: 'Berth agent ⇄ control plane protocol',
    protocol: PROTOCOL_VERSION,
    subprotocol: SUBPROTOCOL,
    connectPath: CONNECT_PATH,
    maxFrameBytes: MAX_FRAME_BYTES,
    closeCodes: { keyRevoked: CloseCode.keyRevoked, replaced: CloseCode.replaced, protocolUnsupported: CloseCode.protocolUnsupported, tooLarge: CloseCode.tooLarge },
    frames: { agentToServer: 'agent-frame.json', serverToAgent: 'server-frame.json' },
    messages: Object.fromEntries(
      Object.entries(MESSAGES).map(([type, entry]) => [type, { schema: `messages/${type}.json`, direction: entry.direction, reliable: entry.reliable }]),
    ),
    commands: Object.fromEntries(COMMAND_NAMES.map((name) => [name, { payload: `commands/${name}.payload.json`, result: `commands/${name}.result.json` }])),
  };
  return files;
}
