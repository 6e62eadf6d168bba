// Shared by the browser tests: Debian's Chromium driven by playwright-core, with a fresh
// profile per test, a guard that fails the test on any request that goes anywhere but the
// server, logging in, and reading the pixels the map drew.
//   FELTKART_URL     the server (scripts/browser-test starts it and sets this)
//   CHROMIUM         the browser (default /usr/bin/chromium)
//   BROWSER_OUT      where screenshots go (default target/browser-tests)

import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(`${path.resolve(process.env.PLAYWRIGHT_DIR || path.join(ROOT, 'target/browser-tests'))}/`);
const { chromium } = require('playwright-core');

export const BASE = process.env.FELTKART_URL || 'http://127.0.0.1:8080';
export const OUT = process.env.BROWSER_OUT || path.join(ROOT, 'target/browser-tests');
// The mock's users unless the runner passes others (FELTKART_PLANNER_LOGIN, …_PASSWORD).
const user = (role) => [
  process.env[`FELTKART_${role.toUpperCase()}_LOGIN`] || role,
  process.env[`FELTKART_${role.toUpperCase()}_PASSWORD`] || `${role}-pass`,
];
export const USERS = { planner: user('planner'), field: user('field'), leader: user('leader'), admin: user('admin') };
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

/**
 * Opens a page in a fresh browser profile. Returns {page, context, outside, close}; `close`
 * fails when the page asked for anything outside the server.
 */
export async function open({ viewport = { width: 1280, height: 800 }, geolocation } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'feltkart-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport,
    geolocation,
    permissions: geolocation ? ['geolocation'] : [],
    acceptDownloads: true,
    locale: 'en-GB',
    timezoneId: 'Europe/Copenhagen',
  });
  const origin = new URL(BASE).origin;
  const outside = [];
  const local = (url) => url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank';
  context.on('request', (r) => { if (!local(r.url())) outside.push(r.url()); });
  await context.route('**/*', (route) => (local(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  const errors = [];
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.setDefaultTimeout(15000);
  return {
    page,
    context,
    outside,
    errors,
    async close() {
      await context.close();
      await rm(dir, { recursive: true, force: true });
      assert.deepEqual(outside, [], 'the page asked for something outside the server');
      assert.deepEqual(errors, [], 'the page threw');
    },
  };
}

/** Logs in as `role` from the login form and waits for the view to be shown. */
export async function login(page, role) {
  await page.goto(`${BASE}/`);
  const [name, password] = USERS[role];
  await page.getByLabel('Login').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#app-view').waitFor({ state: 'visible' });
}

/** Waits until the map has loaded what it was asked for and drawn it. */
export async function mapIdle(page) {
  await page.waitForFunction(() => window.feltkartMap && window.feltkartMap.loaded() && window.feltkartMap.areTilesLoaded());
  await page.evaluate(() => new Promise((resolve) => {
    const m = window.feltkartMap;
    m.once('idle', resolve);
    m.triggerRepaint();
  }));
}

/**
 * Pixel statistics of the map as shown on screen: the share of pixels that are not the
 * background colour, the number of distinct colours, and per target colour the number of
 * pixels within `tol` of it. The screenshot is decoded by the browser itself.
 */
export async function mapPixels(page, targets = {}, tol = 40) {
  const png = await page.locator('#map canvas').screenshot();
  const probe = await page.context().newPage();
  try {
    return await probe.evaluate(async ({ b64, targets, tol }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
      const bg = hex('#f4f1ea');
      const want = Object.fromEntries(Object.entries(targets).map(([k, v]) => [k, hex(v)]));
      const near = Object.fromEntries(Object.keys(targets).map((k) => [k, 0]));
      const colours = new Set();
      let other = 0;
      for (let i = 0; i < d.length; i += 4) {
        const px = [d[i], d[i + 1], d[i + 2]];
        colours.add(px.join(','));
        if (Math.abs(px[0] - bg[0]) + Math.abs(px[1] - bg[1]) + Math.abs(px[2] - bg[2]) > 6) other += 1;
        for (const [k, t] of Object.entries(want)) {
          if (Math.abs(px[0] - t[0]) + Math.abs(px[1] - t[1]) + Math.abs(px[2] - t[2]) <= tol) near[k] += 1;
        }
      }
      return { pixels: d.length / 4, drawn: other / (d.length / 4), colours: colours.size, near };
    }, { b64: png.toString('base64'), targets, tol });
  } finally {
    await probe.close();
  }
}

/** Asserts the map drew something: not just the background, and more than a few colours. */
export async function assertMapDrawn(page) {
  await mapIdle(page);
  const s = await mapPixels(page);
  assert.ok(s.drawn > 0.1, `the map drew only ${(s.drawn * 100).toFixed(1)} % non-background pixels`);
  assert.ok(s.colours > 8, `the map drew only ${s.colours} colours`);
  return s;
}

export async function screenshot(page, name) {
  await mkdir(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Clicks the map at a geographic point. */
export async function clickMapAt(page, lngLat) {
  const pt = await page.evaluate((ll) => window.feltkartMap.project(ll), lngLat);
  const box = await page.locator('#map canvas').boundingBox();
  await page.mouse.click(box.x + pt.x, box.y + pt.y);
}

/** A rendered feature of `layer` whose first-ring centre lies inside the map, as [lon, lat]. */
export async function renderedFeatureCentre(page, layer) {
  return page.evaluate((layerId) => {
    const m = window.feltkartMap;
    const c = m.getCanvas();
    const w = c.clientWidth;
    const h = c.clientHeight;
    for (const f of m.queryRenderedFeatures({ layers: [layerId] })) {
      const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
      const pts = ring.slice(0, -1);
      const lng = pts.reduce((s, p) => s + p[0], 0) / pts.length;
      const lat = pts.reduce((s, p) => s + p[1], 0) / pts.length;
      const p = m.project([lng, lat]);
      if (p.x > 60 && p.x < w - 60 && p.y > 60 && p.y < h - 60) return { lngLat: [lng, lat], properties: f.properties };
    }
    return null;
  }, layer);
}

/** A response predicate: the API call at `/api${path}` (query ignored). */
export const isApi = (path) => (r) => new URL(r.url()).pathname === `/api${path}`;

/** Runs `body` with a fresh page (see `open`), and closes it, checking the guard, whatever happens. */
export async function inBrowser(options, body) {
  const b = await open(options);
  try {
    await body(b);
  } finally {
    await b.close();
  }
}
