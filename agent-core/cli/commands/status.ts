import { CLIENT_USAGE, createOutput, parseCommand, withAgent } from '../client-command';
import type { CliCommand } from '../cli-command';
import { connectionPaint } from '../format';
import { renderSlotTable, renderTrafficWatch } from '../slot-table';
import { renderFields } from '../table';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'the agent, its connection to the control plane and its slots',
  usage: `berth-agent status [--storage DIR] [--json]\n\n${CLIENT_USAGE}`,
  async run(argv) {
    const { values } = parseCommand(argv, {}, { min: 0, max: 0, names: '' });
    const out = createOutput(values.json === true);
    return withAgent(values.storage, async (client) => {
      const state = await client.call('state.get');
      if (out.json) {
        out.printJson(state);
        return 0;
      }
      const { host, connection, settings, slots } = state;
      const { paint } = out.style;
      const server = settings.serverUrl ?? 'none';
      const link = `${paint(connection.status, connectionPaint(connection.status))}${connection.message ? ` (${connection.message})` : ''}`;
      const running = slots.filter((slot) => slot.status.status === 'running').length;
      out.line(
        renderFields(
          [
            ['agent', `${paint(host.name, 'bold')} (berth ${host.version}, ${host.os} ${host.arch})`],
            ['storage', host.storagePath],
            ['server', `${server}  ${link}`],
            ['api key', settings.apiKey === 'none' ? 'not set' : `set (${settings.apiKey})`],
            ['source roots', settings.sourceRoots.join(', ') || 'none'],
            ['slots', `${slots.length} (${running} running)`],
          ],
          out.style,
        ),
      );
      out.line();
      out.line(renderSlotTable(slots, out.style));
      const watching = renderTrafficWatch(slots, Date.now(), out.style);
      if (watching.length > 0) out.line(`\n${watching.join('\n')}`);
      return 0;
    });
  },
};
