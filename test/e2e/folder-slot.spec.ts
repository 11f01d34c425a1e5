import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '../../agent-core/traffic';
import { makeTempDir } from '../fixtures/temp-dir';
import { expect, skipSetup, test } from './fixtures/agent';

test('makes a running slot from a folder: the proposed template in the editor, deployed, its health check found', async ({ agent, window: page }) => {
  test.setTimeout(120_000);
  const site = agent.sourceDir('brochure');
  writeFileSync(join(site, 'index.html'), '<!doctype html><h1>brochure v1</h1>');
  const outside = makeTempDir('berth-e2e-outside-');
  const publicPort = await findFreePort({ range: [49000, 49999] });
  try {
    await skipSetup(page);
    await page.getByRole('button', { name: 'New slot from a folder' }).first().click();
    await expect(page.getByRole('heading', { name: 'New slot from a folder' })).toBeVisible();

    await page.getByLabel('Folder', { exact: true }).fill(outside.path);
    await page.getByRole('button', { name: 'Look at the folder' }).click();
    await expect(page.getByRole('alert')).toContainText('is not under a configured source root');

    await page.getByLabel('Folder', { exact: true }).fill(site);
    await page.getByRole('button', { name: 'Look at the folder' }).click();
    await expect(page.getByRole('heading', { name: `New slot from ${site}` })).toBeVisible();
    await expect(page.getByLabel('What Berth found')).toContainText('A static site');
    await expect(page.getByLabel('Name', { exact: true }).first()).toHaveValue('brochure');
    await expect(page.getByRole('group', { name: 'Startup command 1' }).getByLabel('Name', { exact: true })).toHaveValue('static server');
    await page.getByLabel('Public port').fill(String(publicPort));
    await page.getByRole('button', { name: 'Create and deploy' }).click();

    await expect(page.getByRole('heading', { name: 'Deploying brochure' })).toBeVisible();
    await expect(page.locator('.deploy-outcome')).toHaveText(/is live/, { timeout: 60_000 });
    await expect(page.getByTestId('health-check-found')).toHaveText('Health check: GET / answered 200; the slot keeps checking it.');
    await expect(page.getByRole('link', { name: `http://localhost:${publicPort}` })).toBeVisible();
    const served = await fetch(`http://127.0.0.1:${publicPort}/`);
    expect(served.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await served.text()).toContain('brochure v1');

    // The same folder again: the window offers to deploy the slot it already has.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Slots' }).click();
    await page.getByRole('button', { name: 'New slot from a folder' }).click();
    await page.getByLabel('Folder', { exact: true }).fill(site);
    await page.getByRole('button', { name: 'Look at the folder' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'This folder already has a slot' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Deploy brochure' })).toBeVisible();
  } finally {
    outside.cleanup();
  }
});
