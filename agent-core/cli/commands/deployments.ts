import { CLIENT_USAGE, createOutput, parseCommand, withAgent } from '../client-command';
import type { CliCommand } from '../cli-command';
import { deploymentPaint, describeSource, oneLine, shortTime } from '../format';
import { renderTable } from '../table';
import type { Deployment } from '../../protocol';
import type { Output } from '../client-command';

/** One deployment: its facts, then each field of the spec that changed since the deployment before it. */
function showDeployment(deployments: Deployment[], id: string, out: Output): number {
  const deployment = deployments.find((candidate) => candidate.id === id);
  if (!deployment) {
    out.note(`no deployment ${id} in this slot; run 'berth-agent deployments SLOT' to list them`);
    return 1;
  }
  if (out.json) {
    out.printJson(deployment);
    return 0;
  }
  out.line(`${deployment.id}  ${deployment.status}${deployment.isProduction ? '  production' : ''}`);
  out.line(`source   ${describeSource(deployment.source)}`);
  out.line(`created  ${shortTime(deployment.createdAt)}${deployment.trigger ? `  (${deployment.trigger})` : ''}`);
  if (deployment.error) out.line(`error    ${deployment.error}`);
  const changes = deployment.changes ?? [];
  if (changes.length === 0) {
    out.line(out.style.paint('no change in the template or the variables since the deployment before it', 'dim'));
    return 0;
  }
  out.line('changed since the deployment before it:');
  for (const change of changes) out.line(`  ${change.field}: ${change.before ?? '(none)'} → ${change.after ?? '(none)'}`);
  return 0;
}

export const deploymentsCommand: CliCommand = {
  name: 'deployments',
  summary: "a slot's deployments, newest first",
  usage: `berth-agent deployments SLOT [ID] [--storage DIR] [--json]\n\nSLOT is the slot's id, workspace/name, or a name unique on this host.\nWith ID: that deployment, and what changed in the template and the non-secret variables since the one before.\n${CLIENT_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommand(argv, {}, { min: 1, max: 2, names: 'SLOT [ID]' });
    const out = createOutput(values.json === true);
    return withAgent(values.storage, async (client) => {
      const { deployments } = await client.call('deployments.list', { slot: positionals[0]! });
      if (positionals[1] !== undefined) return showDeployment(deployments, positionals[1], out);
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
