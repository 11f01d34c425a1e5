import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../cli-command';
import { connectUrl } from '../../connection';
import { BerthError } from '../../protocol';
import { API_KEY_ENV, ApiKeyStore, KeychainSecretStore } from '../../secrets';
import { defaultStoragePath, loadSettings, saveSettings } from '../../settings';

const LOGIN_USAGE = `berth-agent login --server URL [--storage DIR]

Reads the host's API key from standard input (paste it, or pipe it in: never as an argument, where
other users could see it), keeps it in the OS keychain and saves the server URL in settings.json.
A running agent that was refused picks the new key up within seconds.`;

export const loginCommand: CliCommand = {
  name: 'login',
  summary: "store the control plane's API key (read from stdin) and URL",
  usage: LOGIN_USAGE,
  run: (argv) => login(argv, process.stdin),
};

async function login(argv: string[], input: NodeJS.ReadStream): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { server: { type: 'string' }, storage: { type: 'string' } }, strict: true });
  if (!values.server) throw new UsageError('--server URL is required');
  const storagePath = resolve(values.storage ?? defaultStoragePath());
  const settings = loadSettings(storagePath);
  const url = connectUrl(values.server, settings);
  const key = await readKey(input);
  await new ApiKeyStore(new KeychainSecretStore()).save(key);
  saveSettings(storagePath, { ...settings, serverUrl: values.server });
  process.stdout.write(`API key stored in the OS keychain; the agent in ${storagePath} connects to ${url.href}\n`);
  if (process.env[API_KEY_ENV]) process.stdout.write(`note: ${API_KEY_ENV} is set in this environment and wins over the stored key\n`);
  return 0;
}

async function readKey(input: NodeJS.ReadStream): Promise<string> {
  if (input.isTTY) return readHidden(input);
  let text = '';
  input.setEncoding('utf8');
  for await (const chunk of input) text += chunk;
  return text;
}

/** One line from the terminal without echoing it. */
function readHidden(input: NodeJS.ReadStream): Promise<string> {
  process.stderr.write('API key: ');
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolveKey, reject) => {
    let key = '';
    const finish = (error?: Error): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolveKey(key);
    };
    const onData = (chunk: string): void => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') return finish();
        if (character === '\u0003') return finish(new BerthError('CANCELLED', 'login cancelled'));
        if (character === '\u007f' || character === '\b') key = key.slice(0, -1);
        else key += character;
      }
    };
    input.on('data', onData);
  });
}
