import { CLIENT_USAGE, createOutput, parseCommand, withAgent } from '../client-command';
import type { CliCommand } from '../cli-command';
import { deploymentPaint, describeSource, oneLine, shortTime } from '../format';
import { renderTable } from '../table';

export const deploymentsCommand: CliCommand = {
  name: 'deployments',
  summary: "a slot's deployments, newest first",
  usage: `berth-agent deployments SLOT [--storage DIR] [--json]\n\nSLOT is the slot's id, workspace/name, or a name unique on this host.\n${CLIENT_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommand(argv, {}, { min: 1, max: 1, names: 'SLOT' });
    const out = createOutput(values.json === true);
    return withAgent(values.storage, async (client) => {
      const { deployments } = await client.call('deployments.list', { slot: positionals[0]! });
      if (out.json) {
        out.printJson(deployments);
        return 0;
      }
      if (deployments.length === 0) {
        out.line(out.style.paint('no deployments yet', 'dim'));
        return 0;
      }
      out.line(
        renderTable(
          deployments,
          [
            { header: 'ID', value: (deployment) => deployment.id },
            { header: 'STATUS', value: (deployment) => deployment.status, paint: deploymentPaint },
            { header: 'PROD', value: (deployment) => (deployment.isProduction ? '*' : ''), paint: () => 'green' },
            { header: 'COLOR', value: (deployment) => deployment.color ?? '-' },
            { header: 'PORT', value: (deployment) => (deployment.port === null ? '-' : String(deployment.port)), align: 'right' },
            { header: 'SOURCE', value: (deployment) => describeSource(deployment.source) },
            { header: 'CREATED', value: (deployment) => shortTime(deployment.createdAt) },
            { header: 'NOTE', value: (deployment) => oneLine(deployment.error ?? deployment.note ?? deployment.commitSubject), paint: (deployment) => (deployment.error ? 'red' : 'dim') },
          ],
          out.style,
        ),
      );
      return 0;
    });
  },
};
