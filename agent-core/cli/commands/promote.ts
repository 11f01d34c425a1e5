import { CLIENT_USAGE, createOutput, parseCommand, withAgent } from '../client-command';
import type { CliCommand } from '../cli-command';
import { explainFailure, reportDeployment } from '../deployment-report';
import { followProgress } from '../progress-printer';

export const promoteCommand: CliCommand = {
  name: 'promote',
  summary: 'swap a preview (or any earlier deployment) in as production',
  usage: `berth-agent promote SLOT DEPLOYMENT [--storage DIR] [--json]\n\n${CLIENT_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommand(argv, {}, { min: 2, max: 2, names: 'SLOT and DEPLOYMENT' });
    const out = createOutput(values.json === true);
    const [slot, deploymentId] = positionals as [string, string];
    return withAgent(values.storage, async (client) => {
      const stopProgress = await followProgress(client, slot, out);
      try {
        const deployment = await client.call('slot.promote', { slot, deploymentId }).catch((error: unknown) => explainFailure(error, slot));
        reportDeployment(deployment, slot, out);
        return 0;
      } finally {
        stopProgress();
      }
    });
  },
};
