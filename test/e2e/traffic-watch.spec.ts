import type { LocalApiClient } from '../../agent-core/protocol/local-api';
import { findFreePort } from '../../agent-core/traffic';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { expect, skipSetup, test } from './fixtures/agent';
import type { HeadlessAgent } from './fixtures/headless-agent';
import { overlaySlotStatus } from './fixtures/status-overlay';

/** A blue-green slot deployed twice: v1 on blue, then v2 live on green. */
async function twoDeployments(agent: HeadlessAgent, client: LocalApiClient): Promise<{ v1: string; v2: string }> {
  const folder = writeSampleApp(agent.sourceDir('watched-app'), 'v1');
  const publicPort = await findFreePort({ range: [49000, 49999] });
  const spec = sampleSlotSpec({ id: 'watched', name: 'watched', workspace: 'local', traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 50 }, drainTimeoutMs: 500 } });
  await client.call('localSlots.create', { spec, source: { kind: 'directory', path: folder } });
  const v1 = await client.call('slot.deploy', { slot: 'watched', note: 'v1' });
  writeSampleApp(folder, 'v2');
  const v2 = await client.call('slot.deploy', { slot: 'watched', note: 'v2' });
  return { v1: v1.id, v2: v2.id };
}

// The agent on this branch reports `warm` and `guard` as null: they are laid over its real state
// (everything else is the agent's own), so what the window does with them is what is tested.
test('shows the warm color counting down, Rollback (instant) while the target is warm, and what the guard watches', async ({ agent, browser }) => {
  test.setTimeout(120_000);
  const client = await agent.client();
  const context = await browser.newContext();
  try {
    const { v1, v2 } = await twoDeployments(agent, client);
    const overlay = await overlaySlotStatus(context, 'watched');
    const now = Date.now();
    overlay.set({
      warm: { color: 'blue', deploymentId: v1, until: new Date(now + 20_000).toISOString() },
      guard: { deploymentId: v2, previousDeploymentId: v1, until: new Date(now + 60_000).toISOString(), requests: 120, status5xx: 3, maxErrorRate: 0.05, minRequests: 20 },
    });
    const page = await context.newPage();
    await page.goto(await agent.loginUrl());
    await skipSetup(page);

    const row = page.locator('tr[data-slot="watched"]');
    await expect(row.locator('.warm-tag')).toHaveText(/^blue warm 0:[12]\d$/);
    await expect(row.locator('.guard-tag')).toHaveText(/^watching: 120 requests, 2\.5% 5xx, \d+s left$/);

    await row.getByRole('link', { name: 'watched' }).click();
    const blue = page.locator('article[data-color="blue"]');
    await expect(blue).toHaveAttribute('aria-label', 'blue color, warm');
    await expect(blue).toContainText(v1);
    const countdown = blue.getByRole('timer');
    const first = await countdown.locator('strong').textContent();
    await expect(countdown.locator('strong')).not.toHaveText(first!);
    await expect(page.getByRole('button', { name: 'Rollback (instant)' })).toBeEnabled();
    await expect(page.locator(`tr[data-deployment="${v1}"]`).getByRole('button', { name: 'Roll back to this (instant)' })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Guard' })).toContainText(`Guarding the swap to ${v2}`);
    await expect(page.getByRole('status', { name: 'Guard' })).toContainText(/watching: 120 requests, 2\.5% 5xx, \d+s left/);
    await expect(page.getByRole('status', { name: 'Guard' })).toContainText(`Over 5% 5xx (after 20 requests) it swaps back to ${v1}`);

    // Cold once its time is up, with no word from the agent: a rollback is a start again.
    await expect(blue).toHaveAttribute('aria-label', 'blue color, idle', { timeout: 25_000 });
    await expect(countdown).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Roll back', exact: true })).toBeEnabled();
    await expect(page.locator(`tr[data-deployment="${v1}"]`).getByRole('button', { name: 'Roll back to this', exact: true })).toBeVisible();
  } finally {
    await context.close();
    client.close();
  }
});
