import { test, expect } from './fixtures.js';

// The feed is in the main wasm; other pages are chunks fetched on their first visit.
test('the feed loads no page chunk; a product page fetches its own', async ({ page }) => {
  const chunks = [];
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop();
    if (/^(split|chunk)_.*\.wasm$/.test(name)) chunks.push(name);
  });
  await page.goto('/');
  await expect(page.locator('article.post-card').first()).toBeVisible();
  expect(chunks).toEqual([]);
  await page.locator('article.post-card a.product-card').first().click();
  await expect(page).toHaveURL(/\/p\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(chunks).toContain('split_product.wasm');
});

test('a page chunk that fails to arrive shows the error with retry, and retry loads it', async ({ page }) => {
  let failing = true;
  await page.route('**/split_product.wasm', (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
  await page.goto('/p/1');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('网络连接不上');
  failing = false;
  await alert.getByRole('button', { name: '重试' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
