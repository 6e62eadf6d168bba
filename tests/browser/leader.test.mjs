// Leader view: the coverage heatmap by day-part with its slot selector and chart, outdoor time
// against the 30 % guideline per team, and the gap list.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inBrowser, login, isApi, assertMapDrawn, screenshot } from './harness.mjs';


test('leader: coverage by day-part, the chart follows the slot, teams and gaps', async () => {
  await inBrowser({}, async ({ page }) => {
    const teamsRes = page.waitForResponse(isApi('/coverage/teams'));
    await login(page, 'leader');
    const teams = await (await teamsRes).json();
    const teamList = teams;
    await assertMapDrawn(page);

    const cards = page.locator('#teams .team');
    await cards.first().waitFor();
    assert.equal(await cards.count(), teamList.length);
    assert.match(await cards.first().textContent(), /guideline 30 %/);
    await page.getByText('Choose a day-part to list the priority cells it leaves uncovered.').waitFor();

    // Switch the day-part: the coverage is asked for that slot and the chart marks it.
    const slot = page.getByLabel('Day-part', { exact: true });
    const code = await slot.locator('option').nth(2).getAttribute('value');
    const name = await slot.locator('option').nth(2).textContent();
    const coverage = page.waitForResponse((r) => isApi('/coverage')(r) && new URL(r.url()).searchParams.get('slot') === code);
    const gapAnswers = teamList.map((t) => page.waitForResponse((r) => isApi('/gaps')(r)
      && new URL(r.url()).searchParams.get('team') === String(t.team)));
    await slot.selectOption(code);
    await coverage;

    // The gap list of each team for that day-part on weekdays, for the chosen profile (leaders
    // may list the profiles).
    const profile = await page.getByLabel('Target group (profile)').inputValue();
    assert.ok(profile, 'a profile is chosen');
    for (const [i, answer] of (await Promise.all(gapAnswers)).entries()) {
      const q = new URL(answer.url()).searchParams;
      assert.equal(q.get('slot'), `weekday_${code}`);
      assert.equal(q.get('profile'), profile);
      const body = await answer.json();
      assert.equal(answer.status(), 200, JSON.stringify(body));
      await page.locator('#gaps').getByText(body.length ? `Cell ${body[0].h3}` : 'No gaps').first().waitFor();
      assert.equal(await page.locator(`#gaps ul[data-team="${teamList[i].team}"] li`).count(), body.length);
    }
    await page.locator('#cov-summary').getByText(new RegExp(name)).waitFor();
    const marked = page.locator(`#teams svg.chart rect.selected[data-code="${code}"]`);
    assert.equal(await marked.count(), teamList.length, 'each team chart marks the chosen day-part');

    // A last day before the first is refused inline, without asking the server.
    let asked = 0;
    page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/coverage')) asked += 1; });
    await page.getByLabel('From', { exact: true }).fill('2026-11-20');
    await page.getByLabel('To', { exact: true }).fill('2026-11-01');
    await page.getByRole('button', { name: 'Show coverage' }).click();
    await page.getByText('The last day must not be before the first day.').waitFor();
    await page.getByLabel('To', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Show coverage' }).click();
    await page.getByText('Choose the last day.').waitFor();
    assert.equal(asked, 0);
    await page.getByLabel('To', { exact: true }).fill('2026-11-24');
    await page.getByRole('button', { name: 'Show coverage' }).click();
    await page.locator('#cov-summary').getByText(new RegExp(name)).waitFor();
    await screenshot(page, 'leader');
  });
});

test('admin: the base map and a note, no planner or leader data', async () => {
  await inBrowser({}, async ({ page }) => {
    await login(page, 'admin');
    await page.getByText('Administrators manage users and teams.').waitFor();
    assert.equal(await page.locator('#profile, #cov-form, #today').count(), 0);
    await assertMapDrawn(page);
  });
});
