import type { LocalApiClient, SlotView } from '../../protocol/local-api';
import { CLIENT_USAGE, createOutput, parseCommand, withAgent, type Output } from '../client-command';
import type { CliCommand } from '../cli-command';
import { renderTop, TOP_WINDOW_SECONDS, TopModel } from '../top-view';

// Clear the screen and home the cursor; hide the cursor while the view runs, show it again after.
const CLEAR = '\x1b[H\x1b[2J';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CTRL_C = '\u0003';

export const topCommand: CliCommand = {
  name: 'top',
  summary: 'live traffic of the blue-green slots: requests/s, errors and p95 per color',
  usage: `berth-agent top [SLOT] [--once] [--storage DIR] [--json]

Shows what each blue-green slot's proxy forwards, per color, refreshed every second: requests in
the last second, the share answered 5xx and the 4xx count over the last 10 s, the p95 latency of
the last second, the requests in flight, and the last minute of requests/s. ● marks the live color.
q or Ctrl+C quits.

  --once          print one frame and exit (for scripts); with --json, the slots' metrics as JSON
${CLIENT_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseCommand(argv, { once: { type: 'boolean' } }, { min: 0, max: 1, names: 'SLOT' });
    const out = createOutput(values.json === true);
    const slot = positionals[0];
    return withAgent(values.storage, async (client) => {
      if (values.once) return printOnce(client, slot, out);
      return watch(client, slot, out);
    });
  },
};

async function printOnce(client: LocalApiClient, slot: string | undefined, out: Output): Promise<number> {
  const stream = await client.subscribeMetrics({ slot, windowSeconds: TOP_WINDOW_SECONDS }, () => undefined);
  await stream.close();
  if (out.json) {
    out.printJson(stream.metrics);
    return 0;
  }
  const { slots } = await client.call('state.get');
  out.line(renderTop(new TopModel(stream.metrics).rows(slots), out.style));
  return 0;
}

/** Redraws on each finished step until q, Ctrl+C or the agent going away. */
async function watch(client: LocalApiClient, slot: string | undefined, out: Output): Promise<number> {
  let slots: SlotView[] = (await client.call('state.get')).slots;
  let model = new TopModel();
  const draw = (): void => {
    if (out.json) return;
    const frame = renderTop(model.rows(slots), out.style);
    const heading = out.style.paint(`berth-agent top · ${new Date().toLocaleTimeString()} · q to quit`, 'dim');
    process.stdout.write(`${process.stdout.isTTY ? CLEAR : ''}${heading}\n\n${frame}\n`);
  };
  // Events of one step come slot by slot in the same turn: draw once, after them.
  let pending: NodeJS.Immediate | null = null;
  const stream = await client.subscribeMetrics(
    { slot, windowSeconds: TOP_WINDOW_SECONDS },
    (event) => {
      if (out.json) process.stdout.write(`${JSON.stringify(event)}\n`);
      model.apply(event);
      pending ??= setImmediate(() => {
        pending = null;
        draw();
      });
    },
    (history) => (model = new TopModel(history)),
  );
  model = new TopModel(stream.metrics);
  const stopWatching = client.watchState((state) => (slots = state.slots));
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !out.json;
  if (interactive) process.stdout.write(HIDE_CURSOR);
  draw();
  const code = await new Promise<number>((resolve) => {
    process.once('SIGINT', () => resolve(0));
    process.once('SIGTERM', () => resolve(0));
    client.on('connection', (connected) => {
      if (!connected) {
        out.note('the agent closed the connection');
        resolve(1);
      }
    });
    if (interactive) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on('data', (key: Buffer) => {
        const text = key.toString('utf8');
        if (text === 'q' || text === 'Q' || text === CTRL_C) resolve(0);
      });
    }
  });
  if (pending) clearImmediate(pending);
  if (interactive) {
    process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stdout.write(SHOW_CURSOR);
  }
  stopWatching();
  if (client.connected) await stream.close();
  return code;
}
