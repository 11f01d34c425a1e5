import { CLIENT_USAGE, createOutput, parseCommand, withAgent } from '../client-command';
import type { CliCommand } from '../cli-command';
import { explainFailure, reportDeployment } from '../deployment-report';
import { followProgress } from '../progress-printer';

export const rollbackCommand: CliCommand = {
  name: 'rollback',
  summary: 'bring back the previous production deployment, or the one named',
  usage: `berth-agent rollback SLOT [DEPLOYMENT] [--storage DIR] [--json]\n\n${CLIENT_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommand(argv, {}, { min: 1, max: 2, names: 'SLOT' });
    const out = createOutput(values.json === true);
    const [slot, deploymentId] = positionals as [string, string | undefined];
    return withAgent(values.storage, async (client) => {
      const stopProgress = await followProgress(client, slot, out);
      try {
        const deployment = await client.call('slot.rollback', { slot, deploymentId }).catch((error: unknown) => explainFailure(error, slot));
        reportDeployment(deployment, slot, out);
        return 0;
      } finally {
        stopProgress();
      }
    });
  },
};
