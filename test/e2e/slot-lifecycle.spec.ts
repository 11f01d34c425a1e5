import type { Page } from '@playwright/test';
import { findFreePort } from '../../agent-core/traffic';
import { writeSampleApp } from '../fixtures/slot-spec';
import { waitFor } from '../fixtures/wait';
import { expect, openWindow, skipSetup, test } from './fixtures/agent';
import { HeadlessAgent } from './fixtures/headless-agent';
import { isProcessAlive } from '../../agent-core/runner/process-identity';

// One slot's life, step by step, in one window: each test starts where the one before left it.
test.describe.configure({ mode: 'serial' });

let agent: HeadlessAgent;
let page: Page;
let appDir: string;
let publicPort: number;

interface AppAnswer {
  version: string;
  color: string | null;
  pid: number;
}

async function askApp(): Promise<AppAnswer> {
  const response = await fetch(`http://127.0.0.1:${publicPort}/`);
  return (await response.json()) as AppAnswer;
}

const colorPanel = (color: 'blue' | 'green') => page.locator(`article[data-color="${color}"]`);
const slotStatus = () => page.locator('.page-title .badge').first();

/** Deploys from the slot page through the deploy dialog, and waits for the outcome it reports. */
async function deployFromWindow(outcome: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Deploy qa-1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deploy qa-1' });
  await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(dialog.locator('.deploy-outcome')).toHaveText(outcome, { timeout: 60_000 });
}

async function closeDialog(name: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name });
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(dialog).toBeHidden();
}

test.beforeAll(async ({ browser }) => {
  agent = await HeadlessAgent.start();
  appDir = writeSampleApp(agent.sourceDir('sample-app'), 'v1');
  publicPort = await findFreePort({ range: [49000, 49999] });
  page = await openWindow(browser, agent);
});

test.afterAll(async () => {
  await page?.context().close();
  await agent?.dispose();
});

test('creates a local slot from a folder with the slot editor, checking the form with the protocol schemas', async () => {
  await skipSetup(page);
  await expect(page.getByRole('region', { name: 'No slots on this machine yet' })).toBeVisible();
  await page.getByRole('button', { name: 'New local slot' }).first().click();
  await expect(page.getByRole('heading', { name: 'New local slot' })).toBeVisible();

  await page.getByRole('button', { name: 'Create slot' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'Fix these before saving' });
  await expect(summary).toContainText('a blue-green slot needs a publicPort');
  await expect(summary).toContainText('type the command to run');

  await page.getByLabel('Name', { exact: true }).first().fill('qa-1');
  await page.getByLabel('Workspace').fill('acme-web');
  await page.getByLabel('Directory', { exact: true }).fill(appDir);
  await page.getByLabel('Public port').fill(String(publicPort));
  await expect(summary).not.toContainText('publicPort');
  await page.getByLabel('Health check path').fill('/healthz');
  await page.getByLabel('Health check timeout (s)').fill('4');
  await page.getByLabel('Drain timeout (s)').fill('1');
  const web = page.getByRole('group', { name: 'Startup command 1' });
  await web.getByLabel('Command', { exact: true }).fill('exec node server.cjs');
  // A task before the service keeps the deployment busy long enough to watch its statuses go by.
  await page.getByRole('button', { name: 'Add startup command' }).click();
  const warmUp = page.getByRole('group', { name: 'Startup command 2' });
  await warmUp.getByLabel('Name', { exact: true }).fill('warm-up');
  await warmUp.getByLabel('Command', { exact: true }).fill('sleep 2; echo warmed up');
  await page.getByRole('button', { name: 'Move Startup command 2 up' }).click();
  await expect(page.getByRole('group', { name: 'Startup command 1' }).getByLabel('Name', { exact: true })).toHaveValue('warm-up');
  await page.getByRole('button', { name: 'Create slot' }).click();

  await expect(page.getByRole('heading', { name: 'qa-1', level: 1 })).toBeVisible();
  await expect(slotStatus()).toHaveText('available');
  await expect(page.getByRole('region', { name: 'No deployments yet' })).toBeVisible();
});

test('deploys it and shows each step and status live, without a reload', async () => {
  // Every status the page shows, as it shows it.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenStatuses: string[] }).seenStatuses = seen;
    const record = () => {
      const text = document.querySelector('.page-title .badge')?.textContent ?? '';
      if (seen[seen.length - 1] !== text) seen.push(text);
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Deploy qa-1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deploy qa-1' });
  await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
  const steps = dialog.getByRole('list', { name: 'Deployment steps' });
  await expect(steps.locator('[data-step="source"]').first()).toBeVisible();
  await expect(steps.locator('[data-step="command"]').filter({ hasText: 'warm-up' })).toBeVisible();
  await expect(slotStatus()).toHaveText('deploying');
  await expect(steps.locator('[data-step="command"]').filter({ hasText: 'web' })).toBeVisible({ timeout: 30_000 });
  await expect(steps.locator('[data-step="health"]')).toBeVisible();
  await expect(steps.locator('[data-step="ready"]')).toBeVisible();
  await expect(dialog.locator('.deploy-outcome')).toHaveText(/is live/);
  await closeDialog('Deploy qa-1');

  await expect(slotStatus()).toHaveText('running');
  await expect(colorPanel('blue')).toHaveAttribute('aria-label', 'blue color, live');
  const seen = await page.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
  expect(seen).toEqual(['available', 'deploying', 'running']);
  expect(await askApp()).toMatchObject({ version: 'v1', color: 'blue' });
});

test('deploys again and the live color flips from blue to green', async () => {
  writeSampleApp(appDir, 'v2');
  await deployFromWindow(/is live/);
  await closeDialog('Deploy qa-1');
  await expect(colorPanel('green')).toHaveAttribute('aria-label', 'green color, live');
  // The old color drains, then stays warm (traffic.keepWarmMs), so a rollback to it is a swap.
  await expect(colorPanel('blue')).toHaveAttribute('aria-label', 'blue color, warm');
  expect(await askApp()).toMatchObject({ version: 'v2', color: 'green' });
  await page.getByRole('link', { name: 'Slots', exact: true }).first().click();
  const row = page.locator('tr[data-slot="qa-1"]');
  await expect(row).toContainText('green');
  await expect(row).toContainText('running');
  await row.getByRole('link', { name: 'qa-1' }).click();
});

test('follows the log live: a new deployment’s output appears as it is written', async () => {
  await page.getByRole('link', { name: 'Logs', exact: true }).click();
  const terminal = page.locator('.log-terminal .xterm-rows');
  await expect(terminal).toContainText('sample app v2 listening');
  await expect(page.locator('.log-status')).toContainText('Live');

  writeSampleApp(appDir, 'v3');
  const client = await agent.client();
  try {
    const deployed = client.call('slot.deploy', { slot: 'qa-1' });
    // The view follows the newest deployment: the warm-up shows while the deployment still runs.
    await expect(terminal).toContainText('warmed up', { timeout: 30_000 });
    await expect(page.locator('.log-status')).toContainText('Live');
    await deployed;
  } finally {
    client.close();
  }
  await expect(terminal).toContainText('sample app v3 listening');

  await page.getByRole('searchbox', { name: 'Search the log' }).fill('v3 listening');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(page.locator('.search-results')).toHaveText('1 of 1');
  await page.getByRole('link', { name: 'qa-1' }).click();
});

test('rolls back to the production deployment before the current one', async () => {
  await expect(colorPanel('blue')).toHaveAttribute('aria-label', 'blue color, live');
  // v2 still runs warm on green: the rollback is a swap, and the button says so.
  await page.getByRole('button', { name: 'Rollback (instant)' }).click();
  await expect(colorPanel('green')).toHaveAttribute('aria-label', 'green color, live', { timeout: 30_000 });
  await expect(slotStatus()).toHaveText('running');
  expect(await askApp()).toMatchObject({ version: 'v2', color: 'green' });
});

test('opens the failure log of a deployment whose health check fails, one click from the slot page', async () => {
  writeSampleApp(appDir, 'unhealthy');
  await deployFromWindow(/The deployment failed: the app was not healthy/);
  await closeDialog('Deploy qa-1');
  await expect(slotStatus()).toHaveText('running');
  await expect(colorPanel('green')).toHaveAttribute('aria-label', 'green color, live');
  await expect(page.getByRole('main').getByRole('alert')).toContainText('The last deployment failed; the live version keeps serving');
  await page.getByRole('main').getByRole('button', { name: 'Open the failure log' }).click();
  const dialog = page.getByRole('dialog', { name: 'Last failure of qa-1' });
  await expect(dialog.locator('.xterm-rows')).toContainText('sample app unhealthy listening');
  await expect(dialog.locator('.xterm-rows')).toContainText('deployment failed');
  await closeDialog('Last failure of qa-1');
  expect(await askApp()).toMatchObject({ version: 'v2', color: 'green' });
});

test('stops the slot from the window, and its process is gone', async () => {
  const { pid } = await askApp();
  expect(isProcessAlive(pid)).toBe(true);
  await page.getByRole('button', { name: 'Stop qa-1' }).click();
  await expect(slotStatus()).toHaveText('available', { timeout: 30_000 });
  await waitFor(() => !isProcessAlive(pid), `process ${pid} of qa-1 to end`, { timeoutMs: 15_000 });
  await expect(page.getByRole('button', { name: 'Start qa-1', exact: true })).toBeEnabled();
  const answer = await fetch(`http://127.0.0.1:${publicPort}/`).then((response) => response.status, () => 'refused');
  expect(answer).not.toBe(200);
});
