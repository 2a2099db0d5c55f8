import { test, expect } from './fixtures.js';

const pages = ['/', '/p/24', '/posts/60', '/c/coffee', '/communities', '/p/999999'];

test('no page scrolls sideways on a 360 px phone', async ({ page }) => {
  for (const path of pages) {
    await page.goto(path);
    await expect(page.locator('.post-card, .product-page, .post-page, .community-card, .state').first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
});

test('the member area fits a 360 px phone, sign-out button included', async ({ page }) => {
  await page.goto('/sign-in?next=%2Fme');
  await page.getByLabel('邮箱').fill('member14@demo.quanzi');
  await page.getByLabel(/密码/).fill('quanzi-demo');
  await page.getByRole('button', { name: '登录' }).click();
  const signOut = page.getByRole('button', { name: '退出登录' });
  await expect(signOut).toBeVisible();
  const box = await signOut.boundingBox();
  expect(box.x + box.width).toBeLessThanOrEqual(360);
});

test('phones get a bottom tab bar; desktops get the same links in the header', async ({ page }) => {
  await page.goto('/');
  const tabs = page.getByRole('navigation', { name: 'tabs' });
  await expect(tabs).toBeVisible();
  await expect(tabs.getByRole('link', { name: '发现' })).toHaveAttribute('aria-current', 'page');
  await page.setViewportSize({ width: 1280, height: 900 });
  await expect(tabs).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'primary' }).getByRole('link', { name: '圈子' })).toBeVisible();
});

test('pictures reserve their box before they load', async ({ page }) => {
  await page.goto('/p/24');
  // The app's page, not the shell's first paint of its picture, which it replaces.
  const images = page.locator('#main .product-page img');
  await expect(images.first()).toBeVisible();
  for (const img of await images.all()) {
    await expect(img).toHaveAttribute('width', /^\d+$/);
    await expect(img).toHaveAttribute('height', /^\d+$/);
  }
});
