import { test, expect } from './fixtures.js';

test('the real build is served with a nonce CSP, and its assets cached forever in brotli', async ({ request }) => {
  const page = await request.get('/');
  expect(page.status()).toBe(200);
  // The feed's shell carries its first data, which may be the reader's own view.
  expect(page.headers()['cache-control']).toBe('private, no-cache');
  const csp = page.headers()['content-security-policy'];
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toContain("'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  const html = await page.text();
  // Every script that runs has the nonce; the first data is JSON, which never runs.
  const running = html.match(/<script[^>]*>/g).filter((tag) => !tag.includes('type="application/json"'));
  expect(running.length).toBeGreaterThan(0);
  for (const tag of running) expect(tag).toContain(`nonce="${nonce}"`);

  // Attribute quotes are optional in Trunk's minified html.
  const assets = [...html.matchAll(/(?:href=|from |module_or_path: )['"]?(\/[^'"\s>]+\.(?:js|wasm|css))/g)].map((m) => m[1]);
  expect(new Set(assets.map((a) => a.split('.').pop()))).toEqual(new Set(['js', 'wasm', 'css']));
  for (const asset of new Set(assets)) {
    const response = await request.get(asset, { headers: { 'Accept-Encoding': 'br' } });
    expect(response.status(), asset).toBe(200);
    expect(response.headers()['cache-control'], asset).toContain('immutable');
    expect(response.headers()['content-encoding'], asset).toBe('br');
  }
});

test('the API answers bad input with a stable error code', async ({ request }) => {
  for (const [path, status, code] of [
    ['/api/v1/products/abc', 400, 'bad_id'],
    ['/api/v1/products/999999', 404, 'not_found'],
    ['/api/v1/feed?limit=0', 400, 'bad_limit'],
    ['/api/v1/feed?cursor=garbage', 400, 'bad_cursor'],
    ['/api/v1/nope', 404, 'not_found'],
  ]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(status);
    expect((await response.json()).error.code, path).toBe(code);
  }
});
