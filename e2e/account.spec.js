import { test, expect } from './fixtures.js';
import { photo, signIn, signUp } from './helpers.js';

test('sign up, see yourself on /me, sign out: the session ends on the server too', async ({ page }) => {
  const me = await signUp(page, undefined, '/me');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(me.name);
  await expect(page.getByText(me.email)).toBeVisible();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'quanzi_session');
  expect(session.httpOnly).toBe(true);
  expect(session.sameSite).toBe('Lax');

  // The order shortcuts, each with its count (none yet), lead to those orders.
  const shortcuts = page.getByRole('navigation', { name: '我的订单' });
  for (const label of ['待付款', '待成团', '待发货/自提', '已完成']) {
    await expect(shortcuts.getByRole('link', { name: new RegExp(`0\\s*${label}`) })).toBeVisible();
  }
  await shortcuts.getByRole('link', { name: /待付款/ }).click();
  await expect(page).toHaveURL(/\/me\/orders\?shelf=pending_payment$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的订单 · 待付款');
  await page.goBack();
  // Signing out is at the very end of the page, after the member's posts.
  const signOut = page.getByRole('button', { name: '退出登录' });
  const below = await signOut.evaluate((b) => {
    const posts = document.querySelector('#main .feed-footer').getBoundingClientRect();
    return b.getBoundingClientRect().top >= posts.bottom;
  });
  expect(below).toBe(true);
  await signOut.click();
  await expect(page).toHaveURL(/\/$/);
  // Replaying the old cookie gets nobody: the session was deleted server-side.
  const replay = await page.request.get('/api/v1/account/me', {
    headers: { Cookie: `quanzi_session=${session.value}` },
  });
  expect(replay.status()).toBe(204);
  await page.goto('/me');
  await expect(page.getByRole('link', { name: '登录' })).toBeVisible();
});

test('a wrong password is refused clearly and keeps what was typed', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('邮箱').fill('member1@demo.quanzi');
  await page.getByLabel(/密码/).fill('not the password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toHaveText('邮箱或密码不对。');
  await expect(page.getByLabel('邮箱')).toHaveValue('member1@demo.quanzi');
});

test('a demo member signs in with the documented password', async ({ page }) => {
  await signIn(page, 'member1@demo.quanzi', 'quanzi-demo', '/me');
  await expect(page.getByRole('heading', { name: '我的圈子' })).toBeVisible();
});

test('the return path only goes to this site', async ({ page }) => {
  await signUp(page, undefined, '/');
  for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
    await page.context().clearCookies();
    const me = { email: `e2e-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test` };
    await page.goto(`/sign-up?next=${encodeURIComponent(evil)}`);
    await page.getByLabel('昵称').fill('跳转测试');
    await page.getByLabel('邮箱').fill(me.email);
    await page.getByLabel(/密码/).fill('correct horse battery');
    await page.getByRole('button', { name: '注册' }).click();
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  }
});

test('a member chooses a profile picture, sees it by their comments, and removes it', async ({ page }) => {
  await signUp(page, '换头像的人', '/me');
  const face = page.locator('.profile-head .avatar');
  await expect(face).toHaveClass(/avatar-initial/);
  await page.locator('.profile-picture input[type=file]').setInputFiles(photo('3-1.jpg'));
  await expect(page.locator('.profile-head img.avatar')).toBeVisible();
  const src = await page.locator('.profile-head img.avatar').getAttribute('src');
  expect(src).toMatch(/^\/media\//);
  // Everywhere the member appears, after a reload too.
  await page.goto('/posts/58');
  await page.getByPlaceholder('写评论…').fill('新头像');
  await page.getByRole('button', { name: '发送' }).click();
  await expect(page.locator('.comment').filter({ hasText: '新头像' }).locator('img.avatar')).toHaveAttribute('src', src);
  await page.goto('/me');
  await page.reload();
  await expect(page.locator('.profile-head img.avatar')).toHaveAttribute('src', src);
  await page.getByRole('button', { name: '移除头像' }).click();
  await expect(face).toHaveClass(/avatar-initial/);
  await expect(page.getByRole('button', { name: '移除头像' })).toHaveCount(0);
});

test('a file that is not a picture is refused as a profile picture', async ({ page }) => {
  await signUp(page, undefined, '/me');
  await page.locator('.profile-picture input[type=file]').setInputFiles({ name: 'x.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture') });
  await expect(page.locator('.profile-picture').getByRole('alert')).toContainText('这不是图片文件');
  await expect(page.locator('.profile-head .avatar')).toHaveClass(/avatar-initial/);
});
