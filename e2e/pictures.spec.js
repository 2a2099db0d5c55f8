// Pictures sized for phones: a phone fetches the server's WebP copy that is sharp at the
// width the layout shows, never the full-size original, and every picture still shows.
import { test, expect } from './fixtures.js';

test.use({ deviceScaleFactor: 2 });

test('a phone gets the copies its layout needs, the first picture first', async ({ page }) => {
  await page.goto('/');
  const first = page.locator('article.post-card').first();
  const slide = first.locator('.gallery img').first();
  await expect(slide).toBeVisible();
  await expect(slide).toHaveAttribute('fetchpriority', 'high');
  await expect(slide).toHaveAttribute('srcset', /\.400w\.webp 400w, .*\.800w\.webp 800w/);
  // 360 px at 2× wants 720 px: the 800 px copy, drawn, not broken.
  await expect.poll(() => slide.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  expect(await slide.evaluate((img) => img.currentSrc)).toMatch(/\.800w\.webp$/);

  // A product card's 72 px thumbnail: the 400 px copy is plenty.
  const thumb = page.locator('.product-card-image').first();
  await thumb.scrollIntoViewIfNeeded();
  await expect.poll(() => thumb.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  expect(await thumb.evaluate((img) => img.currentSrc)).toMatch(/\.400w\.webp$/);
  await expect(thumb).toHaveAttribute('loading', 'lazy');
  await expect(thumb).toHaveAttribute('decoding', 'async');
});

test("a product's gallery keeps its size and shows its copies", async ({ page }) => {
  await page.goto('/p/18');
  const picture = page.locator('#main .product-page .gallery img').first();
  await expect(picture).toBeVisible();
  await expect(picture).toHaveAttribute('width', /^\d+$/);
  await expect(picture).toHaveAttribute('sizes', /100vw/);
  await expect.poll(() => picture.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  expect(await picture.evaluate((img) => img.currentSrc)).toMatch(/\.800w\.webp$/);
});
