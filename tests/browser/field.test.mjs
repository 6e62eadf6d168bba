// Field view on a phone-sized screen (390×844): today's route with stops and times, GPX, a
// revisit attempt, an observation at the current position and at a tapped point (counted),
// the sign labels in Danish, the GPX (1.1, stops as waypoints), and the walk marked done
// (counted in the leader's figures).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { inBrowser, login, isApi, assertMapDrawn, screenshot, clickMapAt, BASE, USERS } from './harness.mjs';

/** The leader's figure of outdoor person-hours for the team of `today`'s plan, on its date. */
async function leaderOutdoorHours(today) {
  const [login, password] = USERS.leader;
  const { token } = await (await fetch(`${BASE}/api/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }),
  })).json();
  const res = await fetch(`${BASE}/api/coverage/teams?from=${today.date}&to=${today.date}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, await res.clone().text());
  const team = (await res.json()).find((t) => t.team === today.team);
  assert.ok(team, `the leader sees team ${today.team}`);
  return team.outdoor_hours;
}


test('field on a 390x844 phone: day route, attempt, observations counted, GPX, done', async () => {
  const health = await (await fetch(`${BASE}/api/health`)).json();
  const [w, s, e, n] = health.atlas.bbox;
  const here = { longitude: (w + e) / 2, latitude: (s + n) / 2 };
  await inBrowser({ viewport: { width: 390, height: 844 }, geolocation: here }, async ({ page }) => {
    const todayRes = page.waitForResponse((r) => /^\/api\/teams\/[^/]+\/today$/.test(new URL(r.url()).pathname));
    const countRes = page.waitForResponse((r) => isApi('/observations/count')(r));
    await login(page, 'field');
    const today = await (await todayRes).json();
    const route = today.route || today;
    await assertMapDrawn(page);

    // The phone layout: nothing wider than the screen, the map on top with room to see.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'no sideways scrolling');
    const mapBox = await page.locator('#map').boundingBox();
    assert.ok(mapBox.height > 300 && mapBox.width >= 380, `the map fills the phone's width (${JSON.stringify(mapBox)})`);

    // Today's stops with their times.
    const stops = page.locator('#stops > li');
    assert.ok(route.stops.length > 0, 'a route with stops is planned for today');
    assert.equal(await stops.count(), route.stops.length);
    const t0 = route.stops[0].arrive.match(/T(\d\d:\d\d)/)[1];
    assert.match(await stops.first().textContent(), new RegExp(t0));

    // A revisit attempt with an outcome code: empty is refused inline, then recorded.
    const first = stops.first();
    await first.getByRole('button', { name: 'Record the attempt' }).click();
    await first.getByText('Choose the outcome of the attempt.').waitFor();
    await first.getByLabel('Outcome').selectOption({ index: 1 });
    const attempt = page.waitForResponse((r) => /\/attempts$/.test(new URL(r.url()).pathname));
    await first.getByRole('button', { name: 'Record the attempt' }).click();
    const body = JSON.parse((await attempt).request().postData());
    assert.ok(body.outcome && body.at, `the attempt carries an outcome code and a time: ${JSON.stringify(body)}`);
    await first.getByText(/Attempt recorded/).waitFor();

    // An observation at the current position is counted.
    const before = (await (await countRes).json()).count;
    await page.locator('#obs-count').getByText(`${before}`).waitFor();
    await page.getByRole('button', { name: 'Log the observation' }).click();
    await page.getByText('Choose the sign you saw.').waitFor();
    await page.getByText('Use your position or tap a point on the map first.').waitFor();
    await page.getByLabel('Sign').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Use my position' }).click();
    await page.locator('#obs-where').getByText(/^Your position/).waitFor();
    const logged = page.waitForResponse(isApi('/observations'));
    await page.getByRole('button', { name: 'Log the observation' }).click();
    const sent = JSON.parse((await logged).request().postData());
    assert.ok(Math.abs(sent.lon - here.longitude) < 1e-5 && Math.abs(sent.lat - here.latitude) < 1e-5, 'sent at the position');
    assert.deepEqual(Object.keys(sent).sort(), ['at', 'lat', 'lon', 'sign'], 'a sign, a place and a time: nothing else');
    await page.locator('#obs-count').getByText(`${before + 1}`).waitFor();

    // And at a tapped point.
    await page.getByLabel('Sign').selectOption({ index: 2 });
    await page.getByRole('button', { name: 'Tap a point on the map' }).click();
    await page.locator('#map').scrollIntoViewIfNeeded();
    // Away from the first (the server counts distinct place-and-time events, so a second sign
    // in the same cell and minute is the same event).
    const away = await page.evaluate(() => {
      const m = window.feltkartMap;
      const c = m.getCanvas();
      return m.unproject([c.clientWidth * 0.08, c.clientHeight * 0.45]).toArray();
    });
    await clickMapAt(page, away);
    await page.locator('#obs-where').getByText(/^Tapped point/).waitFor();
    await page.getByRole('button', { name: 'Log the observation' }).click();
    await page.locator('#obs-count').getByText(`${before + 2}`).waitFor();

    // The sign labels follow the language, from /api/codes.
    const codes = await (await fetch(`${BASE}/api/codes`, { headers: { Authorization: `Bearer ${await page.evaluate(() => sessionStorage.getItem('feltkart.token'))}` } })).json();
    await page.getByLabel('Language').selectOption('da');
    assert.equal(await page.getByLabel('Sign').locator('option').nth(1).textContent(), codes.signs[0].labels.da);
    await page.getByLabel('Language').selectOption('en');

    // The GPX of the day route downloads with the token: GPX 1.1 with every stop a waypoint.
    const gpxAnswer = page.waitForResponse((r) => /^\/api\/plan\/day\/[^/]+\.gpx$/.test(new URL(r.url()).pathname));
    const download = page.waitForEvent('download', { timeout: 15000 });
    await page.getByRole('link', { name: 'Download GPX' }).click();
    assert.equal((await gpxAnswer).status(), 200);
    const gpx = await readFile(await (await download).path(), 'utf8');
    assert.match(gpx, /<gpx[^>]*\sversion="1\.1"/);
    assert.equal((gpx.match(/<wpt\s/g) || []).length >= route.stops.length, true, 'a waypoint per stop');
    for (const stop of route.stops) {
      const name = `${stop.appointment ? 'Appointment' : 'Search'} rv${stop.revisit}`;
      assert.ok(gpx.includes(`<name>${name}</name>`), `a waypoint ${name}`);
    }

    // Done: the day route's streets are logged as the team's walk, and the leader's figures
    // for the team grow by the pair's minutes.
    const outdoor = await leaderOutdoorHours(today);
    const done = page.waitForResponse((r) => /^\/api\/plan\/day\/[^/]+\/done$/.test(new URL(r.url()).pathname));
    await page.getByRole('button', { name: 'Mark the walk done' }).click();
    const answer = await done;
    assert.equal(answer.status(), 201, await answer.text());
    const walked = await answer.json();
    assert.ok(walked.minutes > 0 && walked.cells > 0, JSON.stringify(walked));
    await page.getByText(/^The walk is marked done: \d+ min on \d+ cells logged\.$/).waitFor();
    const grown = await leaderOutdoorHours(today);
    assert.ok(Math.abs((grown - outdoor) * 60 - 2 * walked.minutes) < 1, `outdoor hours ${outdoor} -> ${grown} after ${walked.minutes} min`);
    await page.evaluate(() => document.querySelector('.app-view').scrollTo(0, 0));
    await screenshot(page, 'field-phone');
  });
});
