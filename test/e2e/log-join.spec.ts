import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { expect, openWindow, skipSetup, test } from './fixtures/agent';
import { HeadlessAgent } from './fixtures/headless-agent';

const LINES = 600;
// Numbered lines with multi-byte characters, a few milliseconds apart: the window opens the log mid-way.
const FLOOD = `let n = 0; const tick = () => { if (n === ${LINES}) return console.log('flood done'); console.log('flood line ' + String(n++).padStart(6, '0') + ' é✓'); setTimeout(tick, 8); }; tick();`;

test('opens a log while the deployment prints and shows every line once: the read, then the stream from its end', async ({ browser }) => {
  const agent = await HeadlessAgent.start();
  const page = await openWindow(browser, agent);
  const client = await agent.client();
  try {
    await skipSetup(page);
    const folder = writeSampleApp(agent.sourceDir('flood-app'), 'v1');
    const spec = sampleSlotSpec({ id: 'flood', name: 'flood', workspace: 'local', traffic: { mode: 'single', healthCheck: { path: '/healthz', intervalMs: 50 } } });
    spec.template.startup = [{ type: 'node', name: 'flood', arguments: FLOOD }, ...(spec.template.startup ?? [])];
    await client.call('localSlots.create', { spec, source: { kind: 'directory', path: folder } });
    const deployed = client.call('slot.deploy', { slot: 'flood' });
    const terminal = page.locator('.log-terminal .xterm-rows');
    // Open the log once the flood is under way, as a person who clicks Logs during a deployment.
    await expect.poll(async () => (await client.call('logs.read', { slot: 'flood', tailBytes: 64 }).catch(() => ({ text: '' }))).text, { timeout: 60_000 }).toContain('flood line');
    await page.evaluate(() => (location.hash = '#/slots/flood/logs'));
    await expect(page.locator('.log-status')).toContainText('Live');
    await deployed;
    await expect(terminal).toContainText('sample app v1 listening', { timeout: 30_000 });

    const search = page.getByRole('searchbox', { name: 'Search the log' });
    await search.fill('flood line ');
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect(page.locator('.search-results')).toHaveText(`1 of ${LINES}`);
    for (const line of ['000000', '000299', String(LINES - 1).padStart(6, '0')]) {
      await search.fill(`flood line ${line} é✓`);
      await page.getByRole('button', { name: 'Next match' }).click();
      await expect(page.locator('.search-results')).toHaveText('1 of 1');
    }
  } finally {
    client.close();
    await page.context().close();
    await agent.dispose();
  }
});
