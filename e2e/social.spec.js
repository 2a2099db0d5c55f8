import { test, expect } from './fixtures.js';
import { api, signUp } from './helpers.js';

test('a like counts at once and survives a reload; unliking takes it back', async ({ page, request }) => {
  // A demo post: other journeys add and delete their own posts at the same time.
  const post = await api(request, '/posts/59');
  await signUp(page, undefined, `/posts/${post.id}`);
  const like = page.locator('.post-page').getByRole('button', { name: /赞/ });
  await expect(like).toHaveAttribute('aria-pressed', 'false');
  // The count moves before the server has answered; the reload waits for the answer, or it
  // would cancel the request it means to check.
  const stored = page.waitForResponse((r) => r.url().endsWith(`/posts/${post.id}/like`) && r.request().method() === 'PUT');
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', 'true');
  await expect(like).toContainText(String(post.like_count + 1));
  await stored;
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

test('the comment count moves with the comments; long threads load 50 at a time', async ({ page, request, baseURL }) => {
  // A demo post that only this journey comments on.
  const post = await api(request, '/posts/57');
  const existing = (await api(request, '/posts/57/comments?limit=50')).items.length;
  await signUp(page, undefined, `/posts/${post.id}`);
  const count = page.locator('.post-page .counts span').last();
  await expect(count).toContainText(String(post.comment_count));
  await page.getByPlaceholder('写评论…').fill('我也买了一个');
  await page.getByRole('button', { name: '发送' }).click();
  await expect(count).toContainText(String(post.comment_count + 1));

  // Enough comments for a second page, written the way the app writes them.
  for (let i = 1; i <= 55; i += 1) {
    const response = await page.request.post(`/api/v1/posts/${post.id}/comments`, {
      headers: { Origin: baseURL },
      data: { body: `第 ${i} 条` },
    });
    expect(response.status()).toBe(201);
  }
  await page.reload();
  await expect(count).toContainText(String(post.comment_count + 56));
  await expect(page.locator('.comment')).toHaveCount(50);
  await page.getByRole('button', { name: '更多评论' }).click();
  await expect(page.locator('.comment')).toHaveCount(existing + 56);
  await expect(page.locator('.comment').last()).toContainText('第 55 条');
  await expect(page.getByRole('button', { name: '更多评论' })).toHaveCount(0);
});

test('a like the server refuses springs back and says why', async ({ page, request }) => {
  const post = await api(request, '/posts/56');
  await signUp(page, undefined, `/posts/${post.id}`);
  await page.route('**/api/v1/posts/*/like', (route) => route.abort('internetdisconnected'));
  const like = page.locator('.post-page').getByRole('button', { name: /赞/ });
  await like.click();
  await expect(page.locator('.post-page').getByRole('alert')).toContainText('网络连接不上');
  await expect(like).toHaveAttribute('aria-pressed', 'false');
  await expect(like).toContainText(String(post.like_count));
});
