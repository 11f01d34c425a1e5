import type { SlotStatus } from '../../protocol';
import { CLIENT_USAGE, createOutput, parseCommand, withAgent, type Output } from '../client-command';
import type { CliCommand } from '../cli-command';
import { slotStatePaint } from '../format';
import { followProgress } from '../progress-printer';

type Action = 'start' | 'stop' | 'restart';

const SUMMARIES: Record<Action, string> = {
  start: "start a slot's production deployment again",
  stop: 'stop a slot with its shutdown commands (its production deployment stays production)',
  restart: 'stop a slot and start its production deployment again',
};

/** start, stop and restart: one behaviour, three names. */
function lifecycleCommand(action: Action): CliCommand {
  return {
    name: action,
    summary: SUMMARIES[action],
    usage: `berth-agent ${action} SLOT [--storage DIR] [--json]\n\n${CLIENT_USAGE}`,
    async run(argv) {
      const { values, positionals } = parseCommand(argv, {}, { min: 1, max: 1, names: 'SLOT' });
      const out = createOutput(values.json === true);
      const slot = positionals[0]!;
      return withAgent(values.storage, async (client) => {
        const stopProgress = await followProgress(client, slot, out);
        try {
          const status = await client.call(`slot.${action}`, { slot });
          printStatus(status, out);
          return 0;
        } finally {
          stopProgress();
        }
      });
    },
  };
}

function printStatus(status: SlotStatus, out: Output): void {
  if (out.json) {
    out.printJson(status);
    return;
  }
  const color = status.liveColor ? `, ${status.liveColor} live` : '';
  const production = status.productionDeploymentId ? ` (production ${status.productionDeploymentId}${color})` : '';
  out.line(`slot ${status.workspace}/${status.name} is ${out.style.paint(status.status, slotStatePaint(status.status))}${production}`);
  if (status.error) out.line(out.style.paint(status.error, 'red'));
}

export const startCommand = lifecycleCommand('start');
export const stopCommand = lifecycleCommand('stop');
export const restartCommand = lifecycleCommand('restart');
