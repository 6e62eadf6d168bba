// Keyboard use and feedback: log in and open a cell's explanation with the keyboard only;
// every control has a label; the loading indicator shows while a call is under way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inBrowser, BASE, USERS } from './harness.mjs';

test('keyboard only: log in, reach a cell explanation; every control is labelled', async () => {
  await inBrowser({}, async ({ page }) => {
    await page.goto(`${BASE}/`);
    await page.locator('#login-name:focus').waitFor();
    await page.keyboard.type(USERS.planner[0]);
    await page.keyboard.press('Tab');
    await page.keyboard.type(USERS.planner[1]);
    await page.keyboard.press('Enter');
    const first = page.locator('#top-cells button').first();
    await first.waitFor();

    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.closest('#top-cells') != null);
    }
    assert.ok(reached, 'Tab reaches the list of cells');
    const name = await page.evaluate(() => document.activeElement.textContent);
    await page.keyboard.press('Enter');
    const h3 = name.match(/cell (\S+)$/)[1];
    await page.locator('#explanation').getByText(h3).waitFor();

    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, button, a[href]')]
      .filter((e) => e.offsetParent !== null)
      .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
      .map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, [], 'every visible control has a label or a name');
  });
});

test('the loading indicator shows while a call is under way', async () => {
  await inBrowser({}, async ({ page }) => {
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/api/profiles', async (route) => { await held; await route.continue(); });
    await page.goto(`${BASE}/`);
    await page.getByLabel('Login').fill(USERS.planner[0]);
    await page.getByLabel('Password').fill(USERS.planner[1]);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#busy').waitFor({ state: 'visible' });
    release();
    await page.locator('#districts li').first().waitFor();
    await page.locator('#busy').waitFor({ state: 'hidden' });
  });
});
