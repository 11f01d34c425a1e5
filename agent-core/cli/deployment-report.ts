import type { Deployment } from '../protocol';
import { LocalApiError } from '../protocol/local-api';
import type { Output } from './client-command';

/** What a deploy, promotion or rollback ended with, for a person or (with --json) a script. */
export function reportDeployment(deployment: Deployment, slot: string, out: Output): void {
  if (out.json) {
    out.printJson(deployment);
    return;
  }
  const where = deployment.port === null ? '' : ` on port ${deployment.port}`;
  const color = deployment.color ? ` (${deployment.color})` : '';
  if (deployment.isProduction) {
    out.line(`deployment ${deployment.id} of ${slot} is ${out.style.paint('live', 'green')}${where}${color}`);
  } else {
    out.line(`deployment ${deployment.id} of ${slot} is ${out.style.paint(deployment.status, 'yellow')} as a preview${where}${color}`);
    out.line(out.style.paint(`promote it with: berth-agent promote ${slot} ${deployment.id}`, 'dim'));
  }
}

/** A failed deployment keeps its log: the error says where to read it. */
export function explainFailure(error: unknown, slot: string): never {
  if (error instanceof LocalApiError && error.deployment) {
    throw new LocalApiError({
      code: error.code,
      message: `deployment ${error.deployment.id} failed: ${error.message}\nsee its log with: berth-agent logs ${slot} --failure`,
      deployment: error.deployment,
    });
  }
  throw error;
}
