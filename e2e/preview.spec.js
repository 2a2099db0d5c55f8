import ogs from 'open-graph-scraper';
import { test, expect } from './fixtures.js';
import { client } from './bench-client.mjs';
import { api, PICKUP, signUp, yuan } from './helpers.js';

// Link previews as a chat app's crawler sees them: plain HTTP, no JavaScript.
const CRAWLER = 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)';

async function unfurl(url) {
  const { error, result } = await ogs({
    url,
    fetchOptions: { headers: { 'user-agent': CRAWLER } },
    urlValidatorSettings: { protocols: ['http', 'https'], require_tld: false, require_protocol: true, require_host: true, require_valid_protocol: true, allow_underscores: false, allow_trailing_dot: false, allow_protocol_relative_urls: false, validate_length: true },
  });
  expect(error).toBe(false);
  return result;
}

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(bytes) {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (marker >= 0xc0 && marker <= 0xc3) {
      return { height: (bytes[i + 5] << 8) | bytes[i + 6], width: (bytes[i + 7] << 8) | bytes[i + 8] };
    }
    i += 2 + length;
  }
  return null;
}

async function checkPreview(request, baseURL, path, { title, description }) {
  const page = `${baseURL}${path}`;
  const result = await unfurl(`${page}?ref=7K3M9QXZ`);
  expect(result.ogTitle).toBe(title);
  if (description) expect(result.ogDescription).toContain(description);
  expect(result.ogUrl).toBe(page);
  expect(result.ogSiteName).toBe('圈子 Quanzi');
  expect(result.twitterCard).toBe('summary_large_image');
  const [image] = result.ogImage;
  expect(image.url).toMatch(/^https?:\/\//);
  expect(Number(image.width)).toBe(1200);
  expect(Number(image.height)).toBe(630);
  const response = await request.get(image.url, { headers: { 'User-Agent': CRAWLER } });
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('image/jpeg');
  const bytes = await response.body();
  expect(bytes.length).toBeLessThan(300 * 1024);
  expect(jpegSize(bytes)).toEqual({ width: 1200, height: 630 });
  return result;
}

test('product, post and community links unfurl with title, picture, price and canonical url', async ({ request, baseURL }) => {
  const product = await api(request, '/products/24');
  const result = await checkPreview(request, baseURL, '/p/24', { title: product.title });
  // The preview names the group price and the group size.
  expect(result.ogDescription).toContain(yuan(product.group_offer.price));
  expect(result.ogDescription).toContain(`${product.group_offer.size}人团`);

  const post = await api(request, '/posts/60');
  await checkPreview(request, baseURL, '/posts/60', { title: post.title });
  const community = await api(request, '/communities/cycling');
  await checkPreview(request, baseURL, '/c/cycling', { title: community.name, description: community.description.slice(0, 20) });
});

test('a member\'s shop link unfurls as their shop, with what they picked', async ({ request, baseURL }) => {
  const shop = client(baseURL);
  const sharer = await shop.member('预览店主');
  for (const id of [24, 3]) {
    expect((await shop.call('PUT', `/api/v1/account/shop/products/${id}`, null, sharer)).status).toBe(200);
  }
  const { code } = (await shop.call('GET', '/api/v1/account/shop', null, sharer)).json;
  const first = await api(request, '/products/24');
  const result = await checkPreview(request, baseURL, `/s/${code}`, { title: '预览店主的小店', description: '2 件精选好物' });
  expect(result.ogDescription).toContain(first.title);
});

test('a group-buy link unfurls with its product, group price and seats left', async ({ page, request, baseURL }) => {
  await signUp(page, '预览团长', '/');
  const order = await page.request.post('/api/v1/orders', {
    headers: { Origin: baseURL, 'Idempotency-Key': `preview-${Date.now()}` },
    data: { purchase: { kind: 'start_group', product_id: 18 }, fulfilment: PICKUP },
  });
  expect(order.status()).toBe(201);
  const { id } = await order.json();
  const paid = await page.request.post(`/api/v1/orders/${id}/pay`, {
    headers: { Origin: baseURL, 'Idempotency-Key': `preview-pay-${Date.now()}` },
    data: { outcome: 'approve' },
  });
  const { group_id: group } = await paid.json();
  const product = await api(request, '/products/18');
  const result = await checkPreview(request, baseURL, `/g/${group}`, { title: `${product.title} 拼团` });
  expect(result.ogDescription).toContain(yuan(product.group_offer.price));
  expect(result.ogDescription).toContain(`${product.group_offer.size}人团`);
});

test('markup and quotes in a title make valid, escaped tags', async ({ page, request, baseURL }) => {
  await signUp(page, undefined, '/c/cycling');
  await page.getByRole('button', { name: '加入圈子' }).click();
  await expect(page.locator('.community-actions .joined')).toBeVisible();
  const title = `Tom's "best" <b>&amp;</b></title><script>alert(1)</script>`;
  const response = await page.request.post('/api/v1/posts', {
    headers: { Origin: baseURL },
    data: { community: 'cycling', title, body: ['a & b < c > d "e"'], images: [], products: [] },
  });
  expect(response.status()).toBe(201);
  const { id } = await response.json();
  const html = await (await request.get(`/posts/${id}`, { headers: { 'User-Agent': CRAWLER } })).text();
  expect(html).not.toContain('</title><script>alert(1)');
  expect(html.match(/<title>/g)).toHaveLength(1);
  const result = await unfurl(`${baseURL}/posts/${id}`);
  expect(result.ogTitle).toBe(title);
  expect(result.ogDescription).toContain('a & b < c > d "e"');
});
