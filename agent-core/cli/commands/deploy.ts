import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Source } from '../../protocol';
import { CLIENT_USAGE, createOutput, parseCommand, withAgent } from '../client-command';
import { UsageError, type CliCommand } from '../cli-command';
import { explainFailure, reportDeployment } from '../deployment-report';
import { followProgress } from '../progress-printer';

export const deployCommand: CliCommand = {
  name: 'deploy',
  summary: 'deploy a slot from a directory, a branch, or its own source; prints each step',
  usage: `berth-agent deploy SLOT [--dir PATH | --branch NAME] [--no-promote] [--note TEXT] [--storage DIR] [--json]

Without --dir or --branch a local slot deploys its own source, and any slot repeats its last
deployment's source (a branch at its newest commit). The directory must lie under one of the
agent's source roots.

  --dir PATH      deploy a snapshot of this directory
  --branch NAME   deploy this branch of the slot's repository
  --no-promote    keep the new version as a preview on its own port instead of swapping it in
  --note TEXT     a note kept with the deployment
${CLIENT_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommand(
      argv,
      { dir: { type: 'string' }, branch: { type: 'string' }, 'no-promote': { type: 'boolean' }, note: { type: 'string' } },
      { min: 1, max: 1, names: 'SLOT' },
    );
    if (values.dir !== undefined && values.branch !== undefined) throw new UsageError('give --dir or --branch, not both');
    const source: Source | undefined =
      values.dir !== undefined
        ? { kind: 'directory', path: resolve(values.dir) }
        : values.branch !== undefined
          ? { kind: 'git', branch: values.branch }
          : undefined;
    const out = createOutput(values.json === true);
    const slot = positionals[0]!;
    return withAgent(values.storage, async (client) => {
      const commandId = `local-${randomUUID()}`;
      const stopProgress = await followProgress(client, slot, out, commandId);
      try {
        const deployment = await client
          .call('slot.deploy', { slot, commandId, source, promote: values['no-promote'] !== true, note: values.note ?? null })
          .catch((error: unknown) => explainFailure(error, slot));
        reportDeployment(deployment, slot, out);
        return 0;
      } finally {
        stopProgress();
      }
    });
  },
};
