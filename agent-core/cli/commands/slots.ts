import { CLIENT_USAGE, createOutput, parseCommand, withAgent } from '../client-command';
import type { CliCommand } from '../cli-command';
import { renderSlotTable } from '../slot-table';

export const slotsCommand: CliCommand = {
  name: 'slots',
  summary: 'the slots on this host with their status, live color and production deployment',
  usage: `berth-agent slots [--storage DIR] [--json]\n\n${CLIENT_USAGE}`,
  async run(argv) {
    const { values } = parseCommand(argv, {}, { min: 0, max: 0, names: '' });
    const out = createOutput(values.json === true);
    return withAgent(values.storage, async (client) => {
      const { slots } = await client.call('state.get');
      if (out.json) out.printJson(slots);
      else out.line(renderSlotTable(slots, out.style));
      return 0;
    });
  },
};
