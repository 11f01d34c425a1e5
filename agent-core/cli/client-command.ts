import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LocalApiClient } from '../protocol/local-api';
import { UsageError } from './cli-command';
import { connectToAgent } from './local-api-connection';
import { styleFor, type Style } from './style';

/** Options every command that talks to a running agent takes. */
export const CLIENT_OPTIONS = {
  storage: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const CLIENT_USAGE = `  --storage DIR   the storage folder of the agent to talk to (default: the OS app-data folder)
  --json          print the agent's answer as JSON, for scripts`;

export interface Output {
  style: Style;
  json: boolean;
  /** A line of the command's result, on stdout. */
  line(text?: string): void;
  /** The answer as JSON on stdout (with --json). */
  printJson(value: unknown): void;
  /** A line about what is going on, on stderr, so stdout stays the result. */
  note(text: string): void;
}

export function createOutput(json: boolean): Output {
  const style = styleFor(process.stdout);
  return {
    style,
    json,
    line: (text = '') => process.stdout.write(`${text}\n`),
    printJson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    note: (text) => process.stderr.write(`${styleFor(process.stderr).paint(text, 'dim')}\n`),
  };
}

/** Parses the command line with the shared options, and refuses a wrong number of positionals. */
export function parseCommand<O extends ParseArgsConfig['options']>(
  argv: string[],
  options: O,
  positionals: { min: number; max: number; names: string },
) {
  const parsed = parseArgs({ args: argv, options: { ...CLIENT_OPTIONS, ...options }, allowPositionals: true, strict: true });
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError(`missing ${positionals.names}`);
  if (count > positionals.max) throw new UsageError(`unexpected argument '${parsed.positionals[positionals.max]}'`);
  return parsed;
}

/** Connects to the running agent, runs `work` and always closes the connection. */
export async function withAgent(storage: string | undefined, work: (client: LocalApiClient) => Promise<number>): Promise<number> {
  const client = await connectToAgent(storage);
  try {
    return await work(client);
  } finally {
    client.close();
  }
}
