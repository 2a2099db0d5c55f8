import fs from 'node:fs';
import { test, expect } from './fixtures.js';
import { photo, signUp } from './helpers.js';


test('sign up, join 骑行, post two photos and a tagged product; others like and comment', async ({ page, browser }) => {
  await signUp(page, '新骑友', '/c/cycling');
  await page.getByRole('button', { name: '加入圈子' }).click();
  await page.getByRole('button', { name: '发笔记' }).click();

  const title = `第一次骑到西湖 ${Date.now()}`;
  await page.getByLabel('标题').fill(title);
  await page.getByLabel(/正文/).fill('早上六点出发，风很舒服。\n\n回来的路上买了杯咖啡。');
  await page.locator('input[type=file]').setInputFiles([photo('1-1.jpg'), photo('2-1.jpg')]);
  const photos = page.locator('.photo img');
  await expect(photos).toHaveCount(2);
  const products = page.getByRole('group', { name: /关联好物/ }).getByRole('button');
  const tagged = (await products.first().textContent()).trim();
  await products.first().click();
  await expect(products.first()).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: '发布' }).click();

  await expect(page).toHaveURL(/\/posts\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('.post-page .gallery img')).toHaveCount(2);
  await expect(page.locator('.post-page a.product-card')).toContainText(tagged);
  const postUrl = page.url();

  for (const where of ['/c/cycling', '/']) {
    await page.goto(where);
    await page.reload();
    // Newest first: it is on the first page (other journeys may post at the same time).
    await expect(page.locator('article.post-card h2').filter({ hasText: title })).toBeVisible();
  }

  const friend = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await signUp(friend, '点赞的朋友', new URL(postUrl).pathname);
  // The like shows at once; it is stored when its PUT is answered.
  const liked = friend.waitForResponse((r) => r.url().endsWith('/like') && r.request().method() === 'PUT');
  await friend.locator('.post-page').getByRole('button', { name: /赞/ }).click();
  await expect(friend.locator('.post-page').getByRole('button', { name: /赞/ })).toHaveAttribute('aria-pressed', 'true');
  expect((await liked).ok()).toBe(true);
  await friend.getByPlaceholder('写评论…').fill('拍得真好！');
  await friend.getByRole('button', { name: '发送' }).click();
  await expect(friend.locator('.comment').filter({ hasText: '拍得真好！' })).toBeVisible();

  // The post is its author's space: they may remove comments under it.
  await page.goto(postUrl);
  const comment = page.locator('.comment').filter({ hasText: '拍得真好！' });
  await expect(page.locator('.post-page').getByRole('button', { name: /赞/ })).toContainText('1');
  await comment.getByRole('button', { name: '删除' }).click();
  await expect(comment).toHaveCount(0);
  await friend.reload();
  await expect(friend.locator('.comment').filter({ hasText: '拍得真好！' })).toHaveCount(0);
});

test('a file that is not a picture is refused; the post waits until it is removed', async ({ page }) => {
  await signUp(page, undefined, '/c/coffee');
  await page.getByRole('button', { name: '加入圈子' }).click();
  await page.getByRole('button', { name: '发笔记' }).click();
  await page.locator('input[type=file]').setInputFiles([
    { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a picture') },
    { name: 'walk.jpg', mimeType: 'image/jpeg', buffer: fs.readFileSync(photo('3-1.jpg')) },
  ]);
  const failed = page.locator('.photo').filter({ has: page.getByRole('alert') });
  await expect(failed.getByRole('alert')).toHaveText('这不是图片文件。');
  await expect(page.locator('.photo img')).toHaveCount(1);
  await page.getByLabel('标题').fill('只有一张图');
  await page.getByLabel(/正文/).fill('另一张传不上去。');
  // Not published around the hole: the author removes the failed photo first.
  await page.getByRole('button', { name: '发布' }).click();
  await expect(page.locator('.composer > .form-error')).toHaveText('有照片没传上去，请先移除它。');
  await failed.getByRole('button', { name: '移除这张照片' }).click();
  await page.getByRole('button', { name: '发布' }).click();
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  await expect(page.locator('.post-page .gallery img')).toHaveCount(1);
});

test('an empty post is refused and nothing typed is lost', async ({ page }) => {
  await signUp(page, undefined, '/c/photography');
  await page.getByRole('button', { name: '加入圈子' }).click();
  await page.getByRole('button', { name: '发笔记' }).click();
  await page.getByLabel('标题').fill('没有正文');
  await page.getByRole('button', { name: '发布' }).click();
  await expect(page.getByRole('alert')).toHaveText('内容不能为空。');
  await expect(page.getByLabel('标题')).toHaveValue('没有正文');
});

test('only the author (or a moderator) sees delete; deleting a post removes it from its community', async ({ page, browser }) => {
  await signUp(page, undefined, '/c/coffee');
  await page.getByRole('button', { name: '加入圈子' }).click();
  await page.getByRole('button', { name: '发笔记' }).click();
  const title = `要删掉的笔记 ${Date.now()}`;
  await page.getByLabel('标题').fill(title);
  await page.getByLabel(/正文/).fill('写错了。');
  // With a picture, as the feed's top post is while it lives: journeys beside this one
  // expect the newest post to have one (its first paint, its preloaded picture).
  await page.locator('input[type=file]').setInputFiles([photo('3-1.jpg')]);
  await expect(page.locator('.photo img')).toHaveCount(1);
  await page.getByRole('button', { name: '发布' }).click();
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  const postPath = new URL(page.url()).pathname;

  const stranger = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await signUp(stranger, '旁观者', postPath);
  await expect(stranger.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(stranger.getByRole('button', { name: '删除笔记' })).toHaveCount(0);

  // Confirmed in the page (host apps' webviews may block window.confirm).
  await page.getByRole('button', { name: '删除笔记' }).click();
  await page.getByRole('button', { name: '确定删除？再点一次' }).click();
  await expect(page).toHaveURL(/\/c\/coffee$/);
  await expect(page.locator('article.post-card').first()).toBeVisible();
  await expect(page.locator('article.post-card h2').filter({ hasText: title })).toHaveCount(0);
  const gone = await page.request.get(`/api/v1${postPath}`);
  expect(gone.status()).toBe(404);
});

test('a photo removed from the composer is removed from the server too', async ({ page }) => {
  await signUp(page, undefined, '/c/cycling');
  await page.getByRole('button', { name: '加入圈子' }).click();
  await page.getByRole('button', { name: '发笔记' }).click();
  const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/v1/uploads') && r.request().method() === 'POST');
  await page.locator('input[type=file]').setInputFiles([photo('1-1.jpg')]);
  const upload = await (await uploaded).json();
  await expect(page.locator('.photo img')).toHaveCount(1);
  const removed = page.waitForResponse((r) => r.url().endsWith(`/api/v1/uploads/${upload.id}`) && r.request().method() === 'DELETE');
  await page.getByRole('button', { name: '移除这张照片' }).click();
  expect((await removed).status()).toBe(204);
  await expect(page.locator('.photo')).toHaveCount(0);
  expect((await page.request.get(upload.image.url)).status()).toBe(404);
});

test('the tab bar\'s "+" writes a note in a community the member chooses', async ({ page }) => {
  await signUp(page, undefined, '/c/coffee');
  await page.getByRole('button', { name: '加入圈子' }).click();
  await expect(page.locator('.community-actions .joined')).toBeVisible();
  await page.getByRole('navigation', { name: 'tabs' }).getByRole('link', { name: '写笔记' }).click();
  await expect(page.getByRole('heading', { name: '发到哪个圈子？' })).toBeVisible();
  await page.locator('.my-communities').getByRole('link', { name: /咖啡/ }).click();
  await expect(page).toHaveURL(/\/c\/coffee\?write=1$/);
  // The composer is open, in the community chosen.
  await page.getByLabel('标题').fill('从加号写的');
  await page.getByLabel(/正文/).fill('手冲的第一天。');
  // With a photo, as every post the feed's first-paint journeys may find on top.
  await page.locator('input[type=file]').setInputFiles([photo('3-1.jpg')]);
  await expect(page.locator('.photo img')).toHaveCount(1);
  await page.getByRole('button', { name: '发布' }).click();
  await expect(page).toHaveURL(/\/posts\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('从加号写的');
});

test('a member of no community is asked to join one before writing', async ({ page }) => {
  await signUp(page, undefined, '/communities?write=1');
  await expect(page.getByText('加入一个圈子后就能发笔记。')).toBeVisible();
  await expect(page.locator('.community-card').first()).toBeVisible();
});
