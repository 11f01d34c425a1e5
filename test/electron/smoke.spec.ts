import { resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const root = resolve(import.meta.dirname, '..', '..');

test.describe('desktop app', () => {
  test('opens a window that shows Berth and quits', async () => {
    const app = await electron.launch({ args: ['.'], cwd: root });
    try {
      const window = await app.firstWindow();
      await expect(window.getByRole('heading', { name: 'Berth' })).toBeVisible();
    } finally {
      await app.close();
    }
  });
});
