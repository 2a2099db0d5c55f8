import { test, expect } from './fixtures.js';
import { api, signUp } from './helpers.js';

test('a like counts at once and survives a reload; unliking takes it back', async ({ page, request }) => {
  // A demo post: other journeys add and delete their own posts at the same time.
  const post = await api(request, '/posts/59');
  await signUp(page, undefined, `/posts/${post.id}`);
  const like = page.locator('.post-page').getByRole('button', { name: /赞/ });
  await expect(like).toHaveAttribute('aria-pressed', 'false');
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', 'true');
  await expect(like).toContainText(String(post.like_count + 1));
  await page.reload();
  await expect(like).toHaveAttribute('aria-pressed', 'true');
  await expect(like).toContainText(String(post.like_count + 1));
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', 'false');
  await expect(like).toContainText(String(post.like_count));
});

test('members comment; only the author (or a moderator) can delete a comment', async ({ browser, request }) => {
  // A demo post: other journeys add and delete their own posts at the same time.
  const post = await api(request, '/posts/59');
  const author = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await signUp(author, '评论作者', `/posts/${post.id}`);
  const text = `第一条评论 ${Date.now()}`;
  await author.getByPlaceholder('写评论…').fill(text);
  await author.getByRole('button', { name: '发送' }).click();
  const mine = author.locator('.comment').filter({ hasText: text });
  await expect(mine).toBeVisible();

  const other = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await signUp(other, '路人', `/posts/${post.id}`);
  const seen = other.locator('.comment').filter({ hasText: text });
  await expect(seen).toBeVisible();
  await expect(seen.getByRole('button', { name: '删除' })).toHaveCount(0);

  await mine.getByRole('button', { name: '删除' }).click();
  await expect(mine).toHaveCount(0);
  await other.reload();
  await expect(other.locator('.comment').filter({ hasText: text })).toHaveCount(0);
});
