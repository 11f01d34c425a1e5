import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { findFreePort } from '../../agent-core/traffic';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { expect, skipSetup, test } from './fixtures/agent';
import { trafficTo } from './fixtures/traffic';

/** The figures the slot page shows for one color: requests per second and 5xx share of the last 10 s. */
async function figures(now: Locator, color: 'blue' | 'green'): Promise<{ rate: number; errors: number | null }> {
  const text = (await now.locator(`[data-color="${color}"] dd`).first().textContent()) ?? '';
  const match = /^([\d.]+) req\/s · (?:([\d.]+)%|—) 5xx/.exec(text);
  if (!match) return { rate: 0, errors: null };
  return { rate: Number(match[1]), errors: match[2] === undefined ? null : Number(match[2]) };
}

test('charts the real traffic through a slot\'s public port: rate, 5xx share and a new series at the swap', async ({ agent, window: page }) => {
  test.setTimeout(180_000);
  const client = await agent.client();
  const publicPort = await findFreePort({ range: [49000, 49999] });
  const traffic = trafficTo(publicPort, 25);
  try {
    await skipSetup(page);
    const folder = writeSampleApp(agent.sourceDir('charted-app'), 'v1');
    const spec = sampleSlotSpec({
      id: 'charted',
      name: 'charted',
      workspace: 'local',
      // The live color's watch stays quiet while the test makes its health check answer 500 on purpose.
      traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 50, watchIntervalMs: 600_000 }, drainTimeoutMs: 500 },
    });
    await client.call('localSlots.create', { spec, source: { kind: 'directory', path: folder } });
    const v1 = await client.call('slot.deploy', { slot: 'charted', note: 'v1' });
    await page.evaluate(() => (location.hash = '#/slots/charted'));

    const now = page.getByLabel('Traffic in the last 10 seconds');
    const traffic1 = page.getByRole('region', { name: 'Traffic' });
    await expect(traffic1.locator('.traffic-chart canvas').first()).toBeVisible({ timeout: 30_000 });
    await expect(traffic1.locator('.traffic-chart')).toHaveCount(3);
    await expect.poll(async () => (await figures(now, 'blue')).rate, { timeout: 30_000 }).toBeGreaterThan(10);
    expect((await figures(now, 'blue')).errors).toBe(0);
    await expect(now.locator('[data-color="blue"]')).toContainText(v1.id);

    // The live version answers 500 for a while: the 5xx share the page shows goes up.
    const unhealthy = join(agent.storage, 'slots', 'local', 'charted', 'blue', 'UNHEALTHY');
    writeFileSync(unhealthy, '');
    traffic.path = '/healthz';
    await expect.poll(async () => (await figures(now, 'blue')).errors ?? 0, { timeout: 30_000 }).toBeGreaterThan(20);
    rmSync(unhealthy);
    traffic.path = '/';

    // A swap under traffic: green gets a series of its own, and the swap is marked.
    writeSampleApp(folder, 'v2');
    const v2 = await client.call('slot.deploy', { slot: 'charted', note: 'v2' });
    await expect.poll(async () => (await figures(now, 'green')).rate, { timeout: 30_000 }).toBeGreaterThan(10);
    await expect(now.locator('[data-color="green"]')).toContainText(v2.id);
    await expect(traffic1.locator('.traffic-swaps')).toContainText(`to green (${v2.id})`);
    await expect(traffic1.locator('.traffic-chart').first()).toContainText(/Latest: blue [\d.]+ req\/s, green [\d.]+ req\/s/);

    // The slots list: a sparkline per slot with its rate now.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Slots' }).click();
    const sparkline = page.locator('tr[data-slot="charted"]').getByTestId('traffic-sparkline');
    await expect(sparkline.locator('polyline')).toBeVisible();
    await expect(sparkline.getByRole('img')).toHaveAttribute('aria-label', /now (\d\d+|[1-9])\.\d req\/s/);
  } finally {
    traffic.stop();
    client.close();
  }
});
