import { test, expect } from './fixtures.js';
import { api, photo, signUp } from './helpers.js';

const attacks = ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>'];

test('markup in names and comments shows as text and runs nothing', async ({ page, request }) => {
  const dialogs = [];
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
  // A demo post: other journeys add and delete their own posts at the same time.
  const post = await api(request, '/posts/59');
  await signUp(page, attacks[0], `/posts/${post.id}`);
  for (const attack of attacks) {
    await page.getByPlaceholder('写评论…').fill(attack);
    await page.getByRole('button', { name: '发送' }).click();
    await expect(page.locator('.comment-text p').filter({ hasText: attack })).toBeVisible();
  }
  await page.reload();
  for (const attack of attacks) {
    await expect(page.locator('.comment-text p').getByText(attack, { exact: true })).toBeVisible();
  }
  await expect(page.locator('.comment-author').getByText(attacks[0], { exact: true }).first()).toBeVisible();
  await page.goto('/me');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(attacks[0]);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(dialogs).toEqual([]);
});

test('markup in a post title and text shows as text in the post, the feed and the page title', async ({ page }) => {
  const dialogs = [];
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
  await signUp(page, undefined, '/c/mothers');
  await page.getByRole('button', { name: '加入圈子' }).click();
  await page.getByRole('button', { name: '发笔记' }).click();
  await page.getByLabel('标题').fill(attacks[1]);
  await page.getByLabel(/正文/).fill(attacks[0]);
  // A post with a picture, as the feed's newest is in the other journeys.
  await page.locator('input[type=file]').setInputFiles([photo('3-1.jpg')]);
  await expect(page.locator('.photo img')).toHaveCount(1);
  await page.getByRole('button', { name: '发布' }).click();
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(attacks[1]);
  await expect(page.locator('.post-page-body p').getByText(attacks[0], { exact: true })).toBeVisible();
  await expect(page).toHaveTitle(`${attacks[1]} · 圈子`);
  await page.goto('/c/mothers');
  await expect(page.locator('article.post-card h2').first()).toHaveText(attacks[1]);
  await expect(page.locator('article.post-card .post-excerpt').first()).toHaveText(attacks[0]);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(dialogs).toEqual([]);
});
