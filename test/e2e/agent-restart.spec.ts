import { findFreePort } from '../../agent-core/traffic';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { expect, skipSetup, test } from './fixtures/agent';

test('resynchronises with the agent after it restarts, showing what changed while it was away', async ({ agent, window: page }) => {
  test.setTimeout(120_000);
  const publicPort = await findFreePort({ range: [49000, 49999] });
  const client = await agent.client();
  try {
    const path = writeSampleApp(agent.sourceDir('app'), 'v1');
    const spec = sampleSlotSpec({ traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 100 }, drainTimeoutMs: 1_000 } });
    await client.call('localSlots.create', { spec, source: { kind: 'directory', path } });
    await client.call('slot.deploy', { slot: 'qa-1' });
  } finally {
    client.close();
  }
  await skipSetup(page);
  const row = page.locator('tr[data-slot="qa-1"]');
  await expect(row).toContainText('running');

  await agent.stop();
  await expect(page.getByRole('alert').filter({ hasText: 'The agent is not reachable' })).toBeVisible();
  await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'true');
  await expect(page.getByRole('button', { name: 'Stop qa-1' })).toBeDisabled();

  await agent.start();
  // While the window is away the restarted agent brings the slot back, and the CLI stops it.
  const cli = await agent.client();
  try {
    await cli.call('slot.stop', { slot: 'qa-1' });
  } finally {
    cli.close();
  }

  // A browser login lasts as long as the agent process: the window asks for a new one, and picks
  // it up by itself once it is opened in another tab of the same browser.
  const loginNeeded = page.getByRole('alert').filter({ hasText: 'not logged in' });
  await expect(loginNeeded).toBeVisible({ timeout: 20_000 });
  const tab = await page.context().newPage();
  await tab.goto(await agent.loginUrl());
  await expect(tab.getByRole('main')).toHaveAttribute('aria-busy', 'false', { timeout: 20_000 });
  await tab.close();
  await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false', { timeout: 20_000 });
  await expect(row).toContainText('available');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Start qa-1', exact: true })).toBeEnabled();
});
