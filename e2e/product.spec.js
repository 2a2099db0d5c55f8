import { test, expect } from './fixtures.js';
import { api, openGroup, productWithGroupOffer, signUp, yuan } from './helpers.js';

test('the product page shows group and solo prices, story and featuring posts', async ({ page, request }) => {
  const product = await productWithGroupOffer(request);
  await page.goto(`/p/${product.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(product.title);
  const prices = page.locator('.product-page .prices').first();
  await expect(prices).toContainText(`${product.group_offer.size}人团`);
  await expect(prices.locator('.price-group-amount')).toHaveText(yuan(product.group_offer.price));
  await expect(prices.locator('.price-solo')).toHaveText(`单买 ${yuan(product.solo_price)}`);
  await expect(page.getByRole('heading', { name: '好物故事' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '提到它的笔记' })).toBeVisible();
  await expect(page.locator('.featured-item')).toHaveCount(product.posts.length);
  await expect(page.getByRole('link', { name: product.community.name })).toHaveAttribute('href', `/c/${product.community.slug}`);
  await expect(page).toHaveTitle(`${product.title} · 圈子`);
  const description = await page.locator('meta[name=description]').getAttribute('content');
  expect(description).toContain(yuan(product.group_offer.price));
});

test('a product that does not exist shows not-found, with a real 404 status', async ({ page }) => {
  const response = await page.goto('/p/999999');
  expect(response.status()).toBe(404);
  await expect(page.getByRole('heading', { name: '页面不存在' })).toBeVisible();
  await page.getByRole('link', { name: '回到首页' }).click();
  await expect(page.locator('article.post-card').first()).toBeVisible();
});

test('malformed ids and unknown paths show not-found', async ({ page }) => {
  for (const path of ['/p/abc', '/posts/-1', '/c/NOPE', '/no/such/page']) {
    const response = await page.goto(path);
    expect(response.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: '页面不存在' }), path).toBeVisible();
  }
});

test('the open group one short of full is right under the price and a tap joins it; the buy bar stays and hides nothing', async ({ page, browser, request }) => {
  // A group of two with its leader paid: one seat left. Product 15 is no other journey's.
  const product = await api(request, '/products/15');
  expect(product.group_offer.size).toBe(2);
  const groupId = await openGroup(browser, product.id);
  await signUp(page, undefined, `/p/${product.id}`);
  const teaser = page.locator('.group-teaser');
  await expect(teaser).toContainText('可直接参团');
  await expect(teaser).toContainText('还差1人');
  await expect(teaser.locator('.countdown')).toHaveText(/^\d\d:\d\d:\d\d$/);
  await expect(teaser).toHaveAttribute('href', `/checkout?join=${groupId}`);
  const prices = await page.locator('#main .product-page .prices').first().boundingBox();
  const under = await teaser.boundingBox();
  expect(under.y - (prices.y + prices.height)).toBeGreaterThanOrEqual(0);
  expect(under.y - (prices.y + prices.height)).toBeLessThan(24);

  // At 360 px the buy bar is fixed above the tab bar: in view after scrolling, on top at
  // its own top edge, and the page ends above it.
  const bar = page.locator('.buy-box');
  await expect(bar).toContainText('单独购买');
  await expect(bar).toContainText(`发起2人团`);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(bar).toBeInViewport();
  const edge = await page.evaluate(() => {
    const box = document.querySelector('.buy-box').getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + 1);
    const tabs = document.querySelector('.tab-bar').getBoundingClientRect();
    const article = document.querySelector('#main .product-page').getBoundingClientRect();
    return { onTop: Boolean(top && top.closest('.buy-box')), barBottom: box.bottom, tabsTop: tabs.top, barTop: box.top, articleBottom: article.bottom };
  });
  expect(edge.onTop).toBe(true);
  expect(Math.abs(edge.barBottom - edge.tabsTop)).toBeLessThan(1);
  expect(edge.articleBottom).toBeLessThanOrEqual(edge.barTop + 1);
  await page.screenshot({ path: test.info().outputPath('buy-bar-360.png') });

  await page.evaluate(() => window.scrollTo(0, 0));
  await teaser.click();
  await expect(page).toHaveURL(`/checkout?join=${groupId}`);
  await page.getByLabel('到店自提').check();
  await page.getByLabel('联系人').fill('参团的人');
  await page.getByLabel('手机号').fill('13912345678');
  await page.getByRole('button', { name: '提交订单' }).click();
  await expect(page.locator('.hold')).toContainText('团位和订单为你保留');
  await page.getByRole('button', { name: '付款成功' }).click();
  await expect(page.locator('.order-status')).toHaveText('备货中');
  await page.getByRole('link', { name: '查看拼团进度' }).click();
  await expect(page).toHaveURL(`/g/${groupId}`);
  await expect(page.locator('.group-succeeded')).toBeVisible();
});

test('the product page says what it has sold, its buyer shows, delivery, returns and the group rules', async ({ page, request }) => {
  const product = await api(request, '/products/18');
  await page.goto('/p/18');
  const trust = page.locator('.trust-lines');
  if (product.shows > 0) {
    await expect(trust.getByRole('link', { name: `买家秀 ${product.shows} 篇` })).toBeVisible();
  }
  await expect(trust).toContainText('满 ¥99.00 包邮');
  await expect(trust).toContainText('7 天无理由退货');
  const rules = page.getByRole('region', { name: '拼团须知' });
  await expect(rules).toContainText(`${product.group_offer.size} 人成团`);
  await expect(rules).toContainText('人满发货');
  await expect(rules).toContainText('未成团自动全额退款');
});

test('from 900 px the product page has two columns with the buy box in view', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/p/18');
  const gallery = await page.locator('#main .product-media').boundingBox();
  const buy = page.locator('#main .buy-box');
  await expect(buy).toBeInViewport();
  const box = await buy.boundingBox();
  expect(box.x).toBeGreaterThan(gallery.x + gallery.width - 1);
  expect(box.y + box.height).toBeLessThan(800);
  await page.mouse.wheel(0, 1500);
  await expect(buy).toBeInViewport();
  await page.screenshot({ path: test.info().outputPath('product-1280.png') });
});
