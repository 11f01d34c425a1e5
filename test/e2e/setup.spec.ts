import { FixtureControlPlane } from '../fixtures/control-plane';
import { expect, test } from './fixtures/agent';

test('first run connects this machine to a control plane and says what happened, a refused key included', async ({ agent, window: page }) => {
  const plane = await FixtureControlPlane.start({ apiKeys: ['the-right-key'], hostId: 'host_e2e' });
  try {
    await expect(page.getByRole('heading', { name: 'Set up this machine' })).toBeVisible();
    await expect(page.getByLabel('Host name')).toHaveValue('e2e-host');
    await page.getByLabel('Server URL').fill(plane.url);
    await page.getByLabel('API key').fill('a-revoked-key');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('The server refused the API key', { timeout: 20_000 });
    await expect(page.getByRole('status', { name: 'Control plane connection' })).toContainText('API key rejected');
    await expect(page.getByLabel('API key')).toHaveValue('');

    await page.getByLabel('API key').fill('the-right-key');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toContainText('host host_e2e', { timeout: 20_000 });
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { name: 'Slots', exact: true })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Control plane connection' })).toContainText('Online');
    // The key went to the keychain: the window shows that one is set, never the key itself.
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByText('An API key is stored in the OS keychain')).toBeVisible();
    await expect(page.locator('body')).not.toContainText('the-right-key');
  } finally {
    // The keychain is the user's, shared by every agent of this test run: the key must not outlive the test.
    const client = await agent.client();
    await client.call('apiKey.clear').finally(() => client.close());
    await plane.stop();
  }
});
