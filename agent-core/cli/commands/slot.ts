import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { BerthError, type SlotSpecInput } from '../../protocol';
import type { LocalSlotSource, SlotView } from '../../protocol/local-api';
import { CLIENT_USAGE, createOutput, parseCommand, withAgent, type Output } from '../client-command';
import { UsageError, type CliCommand } from '../cli-command';
import { describeSource, slotLabel } from '../format';

const SOURCE_OPTIONS = { file: { type: 'string' }, dir: { type: 'string' }, branch: { type: 'string' } } as const;

export const slotCommand: CliCommand = {
  name: 'slot',
  summary: 'define, change or remove a local slot (one that deploys without a control plane)',
  usage: `berth-agent slot create --file SPEC.json [--dir PATH | --branch NAME] [--storage DIR] [--json]
berth-agent slot update SLOT --file SPEC.json [--dir PATH | --branch NAME] [--storage DIR] [--json]
berth-agent slot remove SLOT [--storage DIR] [--json]

SPEC.json holds { "spec": SlotSpec, "source": { "kind": "directory", "path": … } } (or a branch:
{ "kind": "git", "branch": … }), or the SlotSpec alone with --dir or --branch giving the source.
A relative directory in the file is taken from the file's folder; it must lie under a source root.
A secret sent back as "***" keeps the value the slot has. Slots from the control plane are
read-only here. remove stops the slot and deletes it with its deployments.

  --file SPEC.json   the slot's definition
  --dir PATH         deploy from this directory
  --branch NAME      deploy this branch of the spec's repository
${CLIENT_USAGE}`,
  async run(argv) {
    const [action, ...rest] = argv;
    switch (action) {
      case 'create': {
        const { values } = parseCommand(rest, SOURCE_OPTIONS, { min: 0, max: 0, names: '' });
        const definition = readDefinition(values);
        if (!definition.source) throw new UsageError('say where the slot deploys from: a "source" in the file, --dir or --branch');
        const source = definition.source;
        const out = createOutput(values.json === true);
        return withAgent(values.storage, async (client) => {
          printSlot(await client.call('localSlots.create', { spec: definition.spec, source }), 'created', out);
          return 0;
        });
      }
      case 'update': {
        const { values, positionals } = parseCommand(rest, SOURCE_OPTIONS, { min: 1, max: 1, names: 'SLOT' });
        const definition = readDefinition(values);
        const out = createOutput(values.json === true);
        return withAgent(values.storage, async (client) => {
          printSlot(await client.call('localSlots.update', { slot: positionals[0]!, ...definition }), 'updated', out);
          return 0;
        });
      }
      case 'remove': {
        const { values, positionals } = parseCommand(rest, {}, { min: 1, max: 1, names: 'SLOT' });
        const out = createOutput(values.json === true);
        return withAgent(values.storage, async (client) => {
          await client.call('localSlots.remove', { slot: positionals[0]! });
          if (out.json) out.printJson({});
          else out.line(`slot ${positionals[0]} removed`);
          return 0;
        });
      }
      default:
        throw new UsageError(action === undefined ? 'say what to do: create, update or remove' : `unknown action '${action}': create, update or remove`);
    }
  },
};

interface Definition {
  spec: SlotSpecInput;
  source?: LocalSlotSource;
}

function readDefinition(values: { file?: string; dir?: string; branch?: string }): Definition {
  if (values.file === undefined) throw new UsageError('--file SPEC.json is required');
  if (values.dir !== undefined && values.branch !== undefined) throw new UsageError('give --dir or --branch, not both');
  const file = resolve(values.file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BerthError('INVALID_PAYLOAD', `cannot read ${file}: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BerthError('INVALID_PAYLOAD', `${file} holds no JSON object`);
  const fields = raw as { spec?: unknown; source?: unknown };
  const wrapped = fields.spec !== undefined;
  const spec = (wrapped ? fields.spec : raw) as SlotSpecInput;
  let source = wrapped ? (fields.source as LocalSlotSource | undefined) : undefined;
  if (source?.kind === 'directory' && typeof source.path === 'string' && !isAbsolute(source.path)) {
    source = { ...source, path: resolve(dirname(file), source.path) };
  }
  if (values.dir !== undefined) source = { kind: 'directory', path: resolve(values.dir) };
  if (values.branch !== undefined) source = { kind: 'git', branch: values.branch };
  return source ? { spec, source } : { spec };
}

function printSlot(slot: SlotView, what: string, out: Output): void {
  if (out.json) {
    out.printJson(slot);
    return;
  }
  out.line(`slot ${slotLabel(slot)} (${slot.id}) ${what}; it deploys from ${describeSource(slot.source)}`);
  out.line(out.style.paint(`deploy it with: berth-agent deploy ${slot.id}`, 'dim'));
}
