import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { printAgentLog, streamWriter } from '../../agent-log-printer';
import { openHostedAgent } from '../../hosted-agent';
import { startHeadlessLocalApi } from '../../local-api';
import { BerthError, describeIssues } from '../../protocol';
import { Settings, defaultStoragePath } from '../../settings';
import { stopOnSignal } from '../stop-on-signal';

/** `berth-agent run`: the agent under plain Node, for servers, CI and machines without a desktop. */
export async function runAgent(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      storage: { type: 'string' },
      name: { type: 'string' },
      server: { type: 'string' },
      config: { type: 'string' },
      'source-root': { type: 'string', multiple: true },
      'api-port': { type: 'string' },
    },
    strict: true,
  });
  const overrides: Partial<Settings> = values.config ? readConfig(values.config) : {};
  if (values.name) overrides.name = values.name;
  if (values.server) overrides.serverUrl = values.server;
  if (values['source-root']) overrides.sourceRoots = values['source-root'].map((root) => resolve(root));
  const storagePath = resolve(values.storage ?? defaultStoragePath());
  const apiPort = values['api-port'] === undefined ? undefined : Number(values['api-port']);
  if (apiPort !== undefined && !(Number.isInteger(apiPort) && apiPort > 0 && apiPort < 65_536)) {
    throw new BerthError('INVALID_PAYLOAD', `--api-port takes a port number, not '${values['api-port']}'`);
  }

  const write = streamWriter(process.stdout);
  const agent = await openHostedAgent({
    runtime: { storagePath, overrides },
    log: (events) => printAgentLog(events, write, process.stdout.isTTY === true),
    startLocalApi: (options) => startHeadlessLocalApi({ ...options, port: apiPort }),
  });
  write(
    `local API and window on ${agent.localApi.web.origin}\n` +
      `open the window: ${agent.localApi.web.loginUrl()}\n` +
      `(the link works once, for 15 minutes; 'berth-agent open' prints a new one)\n`,
  );

  const stopped = stopOnSignal(agent);
  await agent.start();
  agent.runtime.events.info('ready');
  return stopped;
}

function readConfig(path: string): Partial<Settings> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BerthError('INVALID_PAYLOAD', `cannot read config file ${path}: ${(error as Error).message}`);
  }
  const parsed = Settings.partial().safeParse(raw);
  if (!parsed.success) {
    throw new BerthError('INVALID_PAYLOAD', `config file ${path}: ${describeIssues(parsed.error, '(root)')}`);
  }
  return parsed.data;
}
