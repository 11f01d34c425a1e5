import { runBuiltCli } from '../fixtures/built-agent';
import { sampleSlotSpec, writeSampleApp } from '../fixtures/slot-spec';
import { findFreePort } from '../../agent-core/traffic';
import { expect, skipSetup, test } from './fixtures/agent';

test('follows only its own deployment while the CLI deploys the same slot at the same moment, each command a typed step', async ({ agent, window: page }) => {
  test.setTimeout(120_000);
  const client = await agent.client();
  try {
    await skipSetup(page);
    const folder = writeSampleApp(agent.sourceDir('steps-app'), 'v1');
    const publicPort = await findFreePort({ range: [49000, 49999] });
    const spec = sampleSlotSpec({ id: 'steps', name: 'steps', workspace: 'local', traffic: { mode: 'blue-green', publicPort, healthCheck: { path: '/healthz', intervalMs: 50 } } });
    // A task before the service keeps each deployment busy long enough for the two to overlap.
    spec.template.startup = [{ type: 'bash', name: 'warm-up', arguments: 'sleep 2; echo warmed up' }, ...(spec.template.startup ?? [])];
    await client.call('localSlots.create', { spec, source: { kind: 'directory', path: folder } });
    await page.evaluate(() => (location.hash = '#/slots/steps'));

    // The CLI's deploy goes first; the window's, a moment later, waits behind it on the slot's queue.
    let cliSawStart = false;
    const off = client.on('progress', (progress) => (cliSawStart ||= progress.slotId === 'steps' && progress.commandId !== null));
    const cli = runBuiltCli(['deploy', 'steps', '--storage', agent.storage, '--note', 'from the CLI']);
    await expect.poll(() => cliSawStart, { timeout: 30_000 }).toBe(true);
    off();
    await page.getByRole('button', { name: 'Deploy steps' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deploy steps' });
    await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(dialog.locator('.deploy-outcome')).toHaveText(/is live/, { timeout: 60_000 });

    const fromCli = await cli;
    expect(fromCli.code, fromCli.stderr).toBe(0);
    const { deployments } = await client.call('deployments.list', { slot: 'steps' });
    const cliDeployment = deployments.find((deployment) => deployment.note === 'from the CLI')!;
    const windowDeployment = deployments.find((deployment) => deployment.id !== cliDeployment.id)!;
    expect(deployments).toHaveLength(2);

    // The window's steps are its own deployment's, once each; none of the CLI's.
    const steps = dialog.getByRole('list', { name: 'Deployment steps' });
    await expect(dialog.locator('.deploy-outcome')).toContainText(windowDeployment.id);
    await expect(steps.locator('[data-step="ready"]')).toHaveCount(1);
    await expect(steps.locator('[data-step="ready"]')).toContainText(windowDeployment.id);
    await expect(steps).not.toContainText(cliDeployment.id);
    // Each command is one step, started then ended with how long it took: typed, not read from the terminal.
    const warmUp = steps.locator('[data-step="command"]').filter({ hasText: 'warm-up' });
    await expect(warmUp).toHaveCount(1);
    await expect(warmUp).toHaveClass(/step-done/);
    await expect(warmUp.locator('.step-message')).toHaveText(/^warm-up finished in \d+(\.\d)? s$/);
    await expect(steps.locator('[data-step="command"]').filter({ hasText: 'web started (service)' })).toHaveClass(/step-done/);

    // And the CLI printed its own steps, not the window's.
    expect(fromCli.stderr).toContain(`deployment ${cliDeployment.id} is live`);
    expect(fromCli.stderr).toMatch(/command\s+warm-up finished in/);
    expect(fromCli.stderr).not.toContain(windowDeployment.id);
  } finally {
    client.close();
  }
});
