import type { LocalApiClient } from '../../agent-core/protocol/local-api';
import { findFreePort } from '../../agent-core/traffic';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { expect, skipSetup, test } from './fixtures/agent';
import type { HeadlessAgent } from './fixtures/headless-agent';
import { trafficTo } from './fixtures/traffic';

const KEEP_WARM_MS = 30_000;

/** A guarded blue-green slot deployed twice under traffic: v1 on blue (now warm), then v2 live on green. */
async function twoDeployments(agent: HeadlessAgent, client: LocalApiClient, publicPort: number): Promise<{ v1: string; v2: string }> {
  const folder = writeSampleApp(agent.sourceDir('watched-app'), 'v1');
  const spec = sampleSlotSpec({
    id: 'watched',
    name: 'watched',
    workspace: 'local',
    traffic: {
      mode: 'blue-green',
      publicPort,
      healthCheck: { path: '/healthz', intervalMs: 50 },
      drainTimeoutMs: 500,
      keepWarmMs: KEEP_WARM_MS,
      guard: { windowMs: 20_000, maxErrorRate: 0.5, minRequests: 5 },
    },
  });
  await client.call('localSlots.create', { spec, source: { kind: 'directory', path: folder } });
  const v1 = await client.call('slot.deploy', { slot: 'watched', note: 'v1' });
  writeSampleApp(folder, 'v2');
  const v2 = await client.call('slot.deploy', { slot: 'watched', note: 'v2' });
  return { v1: v1.id, v2: v2.id };
}

const requestsSeen = (text: string | null): number => Number(/watching: (\d+) request/.exec(text ?? '')?.[1] ?? -1);

test('shows the warm color counting down, the guard watching the swap, and a Rollback (instant) that is one', async ({ agent, window: page }) => {
  test.setTimeout(150_000);
  const client = await agent.client();
  const publicPort = await findFreePort({ range: [49000, 49999] });
  const traffic = trafficTo(publicPort, 20);
  try {
    await skipSetup(page);
    const { v1, v2 } = await twoDeployments(agent, client, publicPort);

    const row = page.locator('tr[data-slot="watched"]');
    await expect(row.locator('.warm-tag')).toHaveText(/^blue warm 0:[0-3]\d$/);
    await expect(row.locator('.guard-tag')).toHaveText(/^watching: \d+ requests?, 0% 5xx, \d+s left$/);

    await row.getByRole('link', { name: 'watched' }).click();
    const blue = page.locator('article[data-color="blue"]');
    const green = page.locator('article[data-color="green"]');
    await expect(blue).toHaveAttribute('aria-label', 'blue color, warm');
    await expect(blue).toContainText(v1);
    const countdown = blue.getByRole('timer').locator('strong');
    const first = await countdown.textContent();
    await expect(countdown).not.toHaveText(first!);

    // The guard's figures move with the traffic, as the agent reports them.
    const guard = page.getByRole('status', { name: 'Guard' });
    await expect(guard).toContainText(`Guarding the swap to ${v2}`);
    await expect(guard).toContainText(`Over 50% 5xx (after 5 requests) it swaps back to ${v1}`);
    const before = requestsSeen(await guard.textContent());
    await expect.poll(async () => requestsSeen(await guard.textContent()), { timeout: 15_000 }).toBeGreaterThan(before);

    // The target of Roll back is the warm v1: the button says so, and it is only a swap.
    await expect(page.locator(`tr[data-deployment="${v1}"]`).getByRole('button', { name: 'Roll back to this (instant)' })).toBeVisible();
    const startedAt = Date.now();
    await page.getByRole('button', { name: 'Rollback (instant)' }).click();
    await expect(blue).toHaveAttribute('aria-label', 'blue color, live');
    const tookMs = Date.now() - startedAt;
    expect(tookMs, 'a rollback to the warm color is a swap, not a start').toBeLessThan(3_000);
    await expect(green).toHaveAttribute('aria-label', 'green color, warm');
    await expect(page.getByRole('button', { name: 'Rollback (instant)' })).toBeVisible();

    // Cold once its time is up: the panel and the button say so without a reload.
    await expect(green).toHaveAttribute('aria-label', 'green color, idle', { timeout: KEEP_WARM_MS + 10_000 });
    await expect(green.getByRole('timer')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Roll back', exact: true })).toBeVisible();
    await expect(row).toHaveCount(0);
    test.info().annotations.push({ type: 'rollback to warm, click to live in the window', description: `${tookMs} ms` });
  } finally {
    traffic.stop();
    client.close();
  }
});
