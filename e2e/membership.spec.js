import { test, expect } from './fixtures.js';
import { signUp } from './helpers.js';

test('a guest who wants to join is sent to sign in and comes back to the community', async ({ page }) => {
  await page.goto('/c/cycling');
  await page.getByRole('button', { name: '加入圈子' }).click();
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fc%2Fcycling$/);
  await page.getByRole('link', { name: /还没有账号/ }).click();
  await expect(page).toHaveURL(/\/sign-up\?next=%2Fc%2Fcycling$/);
  const email = `e2e-${Date.now()}@example.test`;
  await page.getByLabel('昵称').fill('想加入的人');
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel(/密码/).fill('correct horse battery');
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page).toHaveURL(/\/c\/cycling$/);
  await expect(page.getByRole('button', { name: '加入圈子' })).toBeVisible();
});

test('join and leave 骑行: the member count moves and survives a reload', async ({ page }) => {
  await signUp(page, undefined, '/c/cycling');
  const count = page.locator('.community-members .member-count');
  // Other journeys join 骑行 meanwhile: each step is checked against the count just before it.
  const members = async () => Number((await count.textContent()).replace(/\D/g, ''));
  const before = await members();
  await page.getByRole('button', { name: '加入圈子' }).click();
  // Joined reads as a state; leaving waits in the menu beside it.
  await expect(page.locator('.community-actions .joined')).toHaveText('✓ 已加入');
  await expect(page.getByRole('button', { name: '退出圈子' })).toBeHidden();
  await expect.poll(members).toBeGreaterThan(before);
  await page.reload();
  await expect(page.locator('.community-actions .joined')).toBeVisible();
  await page.goto('/me');
  await expect(page.getByRole('link', { name: /骑行/ })).toBeVisible();
  await page.goto('/c/cycling');
  await expect(page.locator('.community-actions .joined')).toBeVisible();
  const joined = await members();
  await page.locator('.community-actions summary').click();
  await page.getByRole('button', { name: '退出圈子' }).click();
  await expect(page.getByRole('button', { name: '加入圈子' })).toBeVisible();
  await expect.poll(members).toBe(joined - 1);
});

test('a member finds their communities first on the communities page', async ({ page }) => {
  await page.goto('/communities');
  await expect(page.getByRole('heading', { name: '我的圈子' })).toHaveCount(0);
  await signUp(page, undefined, '/c/coffee');
  await page.getByRole('button', { name: '加入圈子' }).click();
  await expect(page.locator('.community-actions .joined')).toBeVisible();
  await page.getByRole('navigation', { name: 'tabs' }).getByRole('link', { name: '圈子' }).click();
  const mine = page.locator('.my-communities');
  await expect(mine.getByRole('heading', { name: '我的圈子' })).toBeVisible();
  await expect(mine.getByRole('link', { name: '咖啡' })).toHaveAttribute('href', '/c/coffee');
});
