import { CLIENT_USAGE, createOutput, parseCommand, withAgent } from '../client-command';
import type { CliCommand } from '../cli-command';

export const openCommand: CliCommand = {
  name: 'open',
  summary: "print a new one-time link that logs a browser into the agent's window",
  usage: `berth-agent open [--storage DIR] [--json]

The link works once and for 15 minutes. It logs in the browser tab that opens it (a reload keeps
the login; another tab needs a link of its own), until the agent stops.
${CLIENT_USAGE}`,
  async run(argv) {
    const { values } = parseCommand(argv, {}, { min: 0, max: 0, names: '' });
    const out = createOutput(values.json === true);
    return withAgent(values.storage, async (client) => {
      const { url } = await client.call('ui.loginUrl');
      if (out.json) out.printJson({ url });
      else out.line(url);
      return 0;
    });
  },
};
