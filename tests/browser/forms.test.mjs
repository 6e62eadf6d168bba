// Bad input and server errors: empty and out-of-range input gets an inline message and no
// request; a wrong password and a failing server get a readable message, never a blank page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inBrowser, login, BASE, USERS } from './harness.mjs';

test('the guard: a request outside the server is caught and blocked', async () => {
  await inBrowser({}, async (b) => {
    await b.page.goto(`${BASE}/`);
    const reached = await b.page.evaluate(() => fetch('http://tiles.example.org/0/0/0.png').then(() => true, () => false));
    assert.equal(reached, false, 'the outside request is blocked');
    assert.deepEqual(b.outside, ['http://tiles.example.org/0/0/0.png']);
    b.outside.length = 0;
  });
});

test('login: empty fields are named inline, a wrong password is said so', async () => {
  await inBrowser({}, async ({ page }) => {
    await page.goto(`${BASE}/`);
    let asked = 0;
    page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/login') asked += 1; });
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Enter your login.').waitFor();
    await page.getByText('Enter your password.').waitFor();
    assert.equal(asked, 0, 'an empty form is not sent');
    assert.equal(await page.getByLabel('Login').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Login').fill(USERS.planner[0]);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#login-msg').getByText('The login or the password is wrong.').waitFor();
    assert.equal(asked, 1);
    assert.ok(await page.locator('#login-view').isVisible(), 'still on the login form');
  });
});

test('planner: out-of-range and empty walk input is refused inline; a server error is readable', async () => {
  await inBrowser({}, async ({ page }) => {
    await login(page, 'planner');
    await page.locator('#districts li').first().waitFor();
    let asked = 0;
    page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/plan/walk') asked += 1; });
    const minutes = page.getByLabel('Walk length (minutes)');
    const plan = page.getByRole('button', { name: 'Plan the walk' });

    await minutes.fill('');
    await plan.click();
    await page.getByText('Enter the walk length in minutes.').waitFor();
    await minutes.fill('5');
    await plan.click();
    await page.getByText('The walk length in minutes must be a whole number from 10 to 480.').waitFor();
    await minutes.fill('60');
    await page.getByLabel('Pairs').fill('0');
    await page.getByLabel('Start (longitude, latitude)').fill('200, 43.7');
    await plan.click();
    await page.getByText('The number of pairs must be a whole number from 1 to 6.').waitFor();
    await page.getByText(/^The start must be two numbers/).waitFor();
    assert.equal(asked, 0, 'bad input is not sent');
    // The message goes once the input is right.
    await page.getByLabel('Pairs').fill('1');
    await page.getByLabel('Start (longitude, latitude)').fill('');
    await plan.click();
    assert.equal(await page.locator('#plan-pairs-msg').textContent(), '');
    await page.getByText('Enter the start as longitude, latitude, or pick it on the map.').waitFor();

    // The server fails: its own message is shown, with what was being done.
    const centre = await page.evaluate(() => window.feltkartMap.getCenter());
    await page.getByLabel('Start (longitude, latitude)').fill(`${centre.lng}, ${centre.lat}`);
    await page.route('**/api/plan/walk', (route) => route.fulfill({
      status: 500, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'internal', message: 'the planner ran out of time' } }),
    }));
    await plan.click();
    await page.getByRole('alert').getByText('Planning the walk failed: the planner ran out of time').waitFor();
    // A proxy in the way answers with no JSON at all: the status is shown.
    await page.unroute('**/api/plan/walk');
    await page.route('**/api/plan/walk', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad gateway</h1>' }));
    await plan.click();
    await page.getByRole('alert').getByText(/Planning the walk failed: the server answered 502/).waitFor();
    assert.ok(await plan.isEnabled(), 'the form can be sent again');
    await page.getByRole('button', { name: 'Dismiss the message' }).click();
    assert.equal(await page.locator('#error-banner').isVisible(), false);
  });
});

test('empty states: no profiles, no route today, no teams or coverage are said in words', async () => {
  await inBrowser({}, async ({ page }) => {
    const empty = (body) => (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
    await page.route('**/api/profiles', empty([]));
    await login(page, 'planner');
    await page.getByText('No profiles are set up on the server yet.').waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#login-view').waitFor();

    await page.route(/\/api\/teams\/[^/]+\/today$/, (route) => route.fulfill({
      status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_found', message: 'no route today' } }),
    }));
    await login(page, 'field');
    await page.getByText('No route is planned for your team today.').waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();

    await page.route('**/api/coverage/teams?*', empty([]));
    await page.route('**/api/coverage?*', empty({ type: 'FeatureCollection', features: [] }));
    await login(page, 'leader');
    await page.getByText('No team has logged walks in these days.').waitFor();
    await page.getByText(/^No covered cells in all day-parts/).waitFor();
    await page.getByLabel('Day-part', { exact: true }).selectOption({ index: 1 });
    await page.getByText('No team to list gaps for.').waitFor();
  });
});
