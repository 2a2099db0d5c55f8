import { test, expect } from './fixtures.js';

// The feed is in the main wasm; other pages come in one pack each, fetched on their first visit.
test('the feed loads no pack; a product page fetches its own', async ({ page }) => {
  const chunks = [];
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop();
    if (/\.pack$/.test(name)) chunks.push(name);
  });
  await page.goto('/');
  await expect(page.locator('article.post-card').first()).toBeVisible();
  expect(chunks).toEqual([]);
  await page.locator('article.post-card a.product-card').first().click();
  await expect(page).toHaveURL(/\/p\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(chunks).toEqual(['product.pack']);
});

test('a page pack that fails to arrive shows the error with retry, and retry loads it', async ({ page }) => {
  let failing = true;
  await page.route('**/product.pack', (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
  await page.goto('/p/1');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('网络连接不上');
  failing = false;
  await alert.getByRole('button', { name: '重试' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
