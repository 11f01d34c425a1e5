import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { STATIC_SERVER_SCRIPT } from '../../detect/static-server-script';
import type { Command } from '../../protocol';
import { LocalApiError, type LocalApiClient, type SlotProposal } from '../../protocol/local-api';
import { CLIENT_USAGE, createOutput, parseCommand, withAgent, type Output } from '../client-command';
import { UsageError, type CliCommand } from '../cli-command';
import { explainFailure } from '../deployment-report';
import { followProgress } from '../progress-printer';

export const upCommand: CliCommand = {
  name: 'up',
  summary: 'run a folder as a blue-green local slot: detect, create (or reuse), deploy, print the URL',
  usage: `berth-agent up [DIR] [--name NAME] [--port PUBLIC_PORT] [--dry-run] [--add-source-root] [--storage DIR] [--json]

Looks at DIR (default: the current folder), proposes a template (a Procfile, a Node.js or Python
app, or a static site), creates a local blue-green slot for it, deploys a snapshot of the folder
with each step printed, and ends with the URL. Run it again after a change: the same slot gets a
new deployment, swapped in without a failed request. The first deployment finds the health-check
path (/healthz, /health or /, the first that answers) and the slot keeps it.

DIR must lie under one of the agent's source roots; up offers to add it, and never does so
without asking (or --add-source-root).

  --name NAME          the new slot's name (default: the folder's name)
  --port PUBLIC_PORT   the new slot's public port (default: the first free one from 8080)
  --dry-run            print the template it would use, and change nothing
  --add-source-root    add DIR as a source root when it is under none, without asking
${CLIENT_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommand(
      argv,
      { name: { type: 'string' }, port: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'add-source-root': { type: 'boolean' } },
      { min: 0, max: 1, names: 'DIR' },
    );
    const directory = resolve(positionals[0] ?? '.');
    const publicPort = values.port === undefined ? undefined : parsePort(values.port);
    const out = createOutput(values.json === true);
    const dryRun = values['dry-run'] === true;
    return withAgent(values.storage, async (client) => {
      const ask = { path: directory, name: values.name, publicPort };
      const proposal = await client.call('localSlots.propose', ask).catch(async (error: unknown) => {
        if (!(error instanceof LocalApiError && error.code === 'PATH_NOT_ALLOWED')) throw error;
        await offerSourceRoot(client, directory, error.message, { add: values['add-source-root'] === true, dryRun, out });
        return client.call('localSlots.propose', ask);
      });
      if (dryRun) {
        if (out.json) out.printJson(proposal);
        else printProposal(proposal, out);
        return 0;
      }
      return deploy(client, proposal, { name: values.name, publicPort }, out);
    });
  },
};

async function deploy(client: LocalApiClient, proposal: SlotProposal, asked: { name?: string; publicPort?: number }, out: Output): Promise<number> {
  let slotId = proposal.existingSlotId;
  if (slotId === null) {
    if (!out.json) printProposal(proposal, out);
    slotId = (await client.call('localSlots.create', { spec: proposal.spec, source: proposal.source })).id;
    out.note(`created slot ${proposal.spec.workspace}/${proposal.spec.name} (${slotId})`);
  } else {
    out.note(`slot ${proposal.spec.workspace}/${proposal.spec.name} was made from this folder: deploying the folder as it is now`);
    if (proposal.templateChanged) {
      out.note('the folder now suggests another template; the slot keeps its own (see it with --dry-run; change it in the window or with berth-agent slot update)');
    }
    if (asked.publicPort !== undefined && asked.publicPort !== proposal.spec.traffic.publicPort) {
      out.note(`the slot keeps its public port ${proposal.spec.traffic.publicPort}; change it in the window or with berth-agent slot update`);
    }
    if (asked.name !== undefined && asked.name !== proposal.spec.name) {
      out.note(`the slot keeps its name ${proposal.spec.name}; --name names a new slot only`);
    }
  }
  const stopProgress = await followProgress(client, slotId, out);
  let deployment;
  try {
    deployment = await client.call('slot.deploy', { slot: slotId }).catch((error: unknown) => explainFailure(error, slotId));
  } finally {
    stopProgress();
  }
  const health = await client.call('localSlots.findHealthCheck', { slot: slotId });
  if (health.changed) out.note(`health check: GET ${health.path} answered ${health.expectStatus}; the slot keeps checking it`);
  else if (health.path === null) out.note('health check: none of /healthz, /health, / answered; the slot checks that its port accepts connections');
  const url = health.slot.spec.url ?? `http://localhost:${health.slot.spec.traffic.publicPort}/`;
  if (out.json) {
    out.printJson({ url, slot: health.slot, deployment, healthCheckPath: health.path });
    return 0;
  }
  out.line(`${proposal.spec.workspace}/${proposal.spec.name} is ${out.style.paint('live', 'green')} at ${url} (deployment ${deployment.id}, ${deployment.color})`);
  out.line(out.style.paint('after a change, run berth-agent up again: the new version is swapped in blue-green', 'dim'));
  return 0;
}

/** A folder under no source root: added only when the person says so, here or with --add-source-root. */
async function offerSourceRoot(
  client: LocalApiClient,
  directory: string,
  problem: string,
  options: { add: boolean; dryRun: boolean; out: Output },
): Promise<void> {
  const refuse = (hint: string): never => {
    throw new LocalApiError({ code: 'PATH_NOT_ALLOWED', message: `${problem}\n${hint}` });
  };
  if (options.dryRun) refuse(`a dry run changes nothing; add ${directory} as a source root first (berth-agent up --add-source-root, or in the window's settings)`);
  let add = options.add;
  if (!add && process.stdin.isTTY && !options.out.json) {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      add = /^y(es)?$/i.test((await prompt.question(`${directory} is under no source root, so the agent may not deploy it. Add it as a source root? [y/N] `)).trim());
    } finally {
      prompt.close();
    }
  }
  if (!add) refuse(`run again with --add-source-root to let the agent deploy from ${directory}`);
  const settings = await client.call('settings.get');
  await client.call('settings.update', { sourceRoots: [...settings.sourceRoots, directory] });
  options.out.note(`added ${directory} as a source root`);
}

function printProposal(proposal: SlotProposal, out: Output): void {
  const { spec } = proposal;
  out.line(`${out.style.paint(proposal.kind, 'bold')} app in ${proposal.source.path}`);
  for (const line of proposal.explanation) out.line(`  - ${line}`);
  out.line(`slot ${spec.workspace}/${spec.name}, blue-green on public port ${spec.traffic.publicPort}`);
  printPhase('initial (once per working copy)', spec.template.initial, out);
  printPhase('startup (every deployment; the service last)', spec.template.startup, out);
}

function printPhase(title: string, commands: Command[], out: Output): void {
  out.line(`${title}:`);
  if (commands.length === 0) out.line('  (none)');
  for (const command of commands) {
    const body = command.arguments === STATIC_SERVER_SCRIPT ? "Berth's static server" : command.arguments.split('\n').at(-1);
    const where = command.workingDirectory ? ` (in ${command.workingDirectory})` : '';
    out.line(`  ${(command.name ?? command.type).padEnd(20)} ${body}${where}`);
  }
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`--port ${text} is not a port (1–65535)`);
  return port;
}
