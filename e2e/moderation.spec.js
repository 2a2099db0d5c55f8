// Communities run by people: the owner creates a community with its cover and appoints a
// moderator by email in the console; a member reports a post with a reason and is thanked,
// nothing more; the moderator finds it in the queue on the community's page and removes it.
// axe finds nothing on the console, the report form or the queue.
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.js';
import { client } from './bench-client.mjs';
import { photo } from './helpers.js';

async function signedIn(browser, baseURL, cookie, viewport = { width: 360, height: 780 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const [name, value] = cookie.split('; ')[0].split('=');
  await context.addCookies([{ name, value, url: baseURL }]);
  return context;
}

async function noViolations(page, what) {
  await expect(page.locator('main .skeleton')).toHaveCount(0);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), what).toEqual([]);
}

test('the owner creates a community and appoints a moderator, who removes a post a member reported', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const api = client(baseURL);
  const signIn = await api.call('POST', '/api/v1/account/sign-in', { email: 'owner@demo.quanzi', password: 'quanzi-demo' });
  const ownerCookie = signIn.response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const moderatorCookie = await api.member('版主');
  const { json: moderatorMe } = await api.call('GET', '/api/v1/account/me', undefined, moderatorCookie);

  // The owner, at desktop width: a new community, and a moderator for it.
  const ownerContext = await signedIn(browser, baseURL, ownerCookie, { width: 1280, height: 900 });
  const owner = await ownerContext.newPage();
  await owner.goto('/staff');
  await owner.locator('summary').getByText('圈子', { exact: true }).click();
  const slug = `hiking-${Date.now().toString(36)}`;
  await owner.getByLabel(/网址名/).fill(slug);
  await owner.getByLabel('名称（中文）').fill('徒步');
  await owner.getByLabel('名称（英文）').fill('Hiking');
  await owner.getByLabel('简介（中文）').fill('周末一起走山路');
  await owner.getByLabel('简介（英文）').fill('Weekend trails together');
  await owner.getByRole('button', { name: '创建圈子' }).click();
  await expect(owner.getByRole('alert')).toHaveText('请先上传一张封面。');
  await owner.locator('#community-cover').setInputFiles(photo('3-1.jpg'));
  await expect(owner.locator('form.product-editor img')).toBeVisible();
  await owner.getByRole('button', { name: '创建圈子' }).click();
  // The new community, not a demo one: other journeys count the demo communities' members.
  const hiking = owner.locator('.staff-product').filter({ has: owner.locator(`a[href="/c/${slug}"]`) });
  await expect(hiking.getByRole('link')).toHaveText('徒步');
  await hiking.getByLabel(/任命版主/).fill(moderatorMe.email);
  await hiking.getByRole('button', { name: '任命' }).click();
  await expect(hiking).toContainText('版主 · 版主');
  await noViolations(owner, 'the console with communities open');

  // A member reports a post there; they are thanked and told nothing more.
  const author = await api.member('卖二手的人');
  await api.call('POST', `/api/v1/communities/${slug}/membership`, undefined, author);
  // With a photo, like the feed's other posts: journeys running beside this one read the
  // newest post's pictures.
  const form = new FormData();
  const jpeg = await readFile(photo('3-1.jpg'));
  form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), '3-1.jpg');
  const upload = await fetch(`${baseURL}/api/v1/uploads`, { method: 'POST', headers: { Cookie: author, Origin: baseURL }, body: form });
  expect(upload.status).toBe(201);
  const created = await api.call('POST', '/api/v1/posts', {
    community: slug, title: `加微信买便宜车 ${Date.now()}`, body: ['私聊我'], images: [(await upload.json()).id], products: [],
  }, author);
  expect(created.status).toBe(201);
  const reporterContext = await signedIn(browser, baseURL, await api.member('热心圈友'));
  const reporter = await reporterContext.newPage();
  await reporter.goto(`/posts/${created.json.id}`);
  await reporter.locator('.post-page-body > .report').getByRole('button', { name: '举报' }).click();
  await reporter.getByLabel('广告或刷屏').check();
  await noViolations(reporter, 'the report form at 360 px');
  await reporter.getByRole('button', { name: '提交举报' }).click();
  await expect(reporter.getByRole('status').filter({ hasText: '已收到举报' })).toBeVisible();

  // The moderator, on a phone, works through the queue on the community's page.
  const moderatorContext = await signedIn(browser, baseURL, moderatorCookie);
  const moderator = await moderatorContext.newPage();
  await moderator.goto(`/c/${slug}`);
  await moderator.getByText('待处理举报').click();
  const entry = moderator.locator('.moderation .staff-product').filter({ hasText: created.json.title });
  await expect(entry).toContainText('1 人举报 · 广告或刷屏');
  await expect(entry).not.toContainText('热心圈友');
  await noViolations(moderator, 'the queue at 360 px');
  await moderator.locator('.moderation').screenshot({ path: '../target/screenshots/moderation-queue-360.png' });
  await entry.getByRole('button', { name: '删除' }).click();
  await expect(entry).toHaveCount(0);
  const gone = await api.call('GET', `/api/v1/posts/${created.json.id}`);
  expect(gone.status).toBe(404);
  await reporterContext.close();
  await moderatorContext.close();
  await ownerContext.close();
});
