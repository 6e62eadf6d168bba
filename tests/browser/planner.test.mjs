// Planner view: the score heatmap by profile, a cell's explanation, the ranked districts and
// priority choice, and planning a walk drawn on the map.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { inBrowser, login, isApi, assertMapDrawn, mapIdle, mapPixels, screenshot, clickMapAt, renderedFeatureCentre } from './harness.mjs';


test('planner: heatmap by profile, cell explanation, districts, a planned walk on the map', async () => {
  await inBrowser({}, async ({ page }) => {
    const firstCells = page.waitForResponse(isApi('/cells'));
    await login(page, 'planner');
    await firstCells;
    await assertMapDrawn(page);
    await assert.doesNotReject(page.getByText('© OpenStreetMap contributors').waitFor());
    assert.ok(await page.locator('#legend').isVisible(), 'the score legend is shown');

    // Choose another profile: the heatmap is asked for again with it.
    const profile = page.getByLabel('Target group (profile)');
    const options = await profile.locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(options.length >= 2, `two profiles at least, got ${options}`);
    const districtsRes = page.waitForResponse((r) => isApi('/districts')(r) && new URL(r.url()).searchParams.get('profile') === options[1]);
    const cellsAgain = page.waitForResponse((r) => isApi('/cells')(r) && new URL(r.url()).searchParams.get('profile') === options[1]);
    await profile.selectOption(options[1]);
    const fc = await (await cellsAgain).json();
    assert.ok(fc.features.length > 0, 'the second profile scores cells in the atlas');
    await mapIdle(page);

    // Click a drawn cell: its explanation is the server's, row for row.
    const cell = await renderedFeatureCentre(page, 'cells-fill');
    assert.ok(cell, 'a scored cell is drawn in the view');
    const explained = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/cells/${cell.properties.h3}`);
    await clickMapAt(page, cell.lngLat);
    const x = await (await explained).json();
    const section = page.locator('#explanation');
    await section.getByText(`Score ${Math.round(x.score)}`).waitFor();
    assert.match(await section.textContent(), new RegExp(cell.properties.h3));
    assert.equal(await section.locator('tbody tr').count(), x.breakdown.length);
    if (x.breakdown.length) assert.match(await section.locator('tbody tr').first().textContent(), new RegExp(x.breakdown[0].feature));

    // Ranked districts with partners and channels; choose one as a priority district.
    const districts = await (await districtsRes).json();
    const items = page.locator('#districts li.district');
    await items.first().waitFor();
    assert.equal(await items.count(), districts.length);
    await page.getByLabel(`1. ${districts[0].name || `District ${districts[0].id}`}`, { exact: true }).check();
    await page.getByText('1 priority district(s) chosen.').waitFor();

    // Plan a walk from a point picked on the map: the route is drawn and its sheet listed.
    await page.getByRole('button', { name: 'Pick the start on the map' }).click();
    await clickMapAt(page, cell.lngLat);
    assert.match(await page.getByLabel('Start (longitude, latitude)').inputValue(), /^\d+\.\d+, \d+\.\d+$/);
    await page.getByLabel('Walk length (minutes)').fill('45');
    await page.getByLabel('Time of day').fill('19:30');
    const planned = page.waitForResponse(isApi('/plan/walk'));
    await page.getByRole('button', { name: 'Plan the walk' }).click();
    const walk = await (await planned).json();
    assert.ok(walk.routes.length >= 1, 'one route at least');
    const sheet = page.locator('#plan-result table.sheet').first();
    await sheet.waitFor();
    assert.equal(await sheet.locator('tbody tr').count(), walk.routes[0].sheet.length);
    const download = page.waitForEvent('download');
    await page.locator('#plan-result .gpx-link').first().click();
    const gpx = await readFile(await (await download).path(), 'utf8');
    assert.match(gpx, /<gpx[\s>]/, 'the GPX of pair 1 downloads with the token');
    await mapIdle(page);
    const px = await mapPixels(page, { route: '#c2185b' }, 45);
    assert.ok(px.near.route > 200, `the route is drawn (${px.near.route} route-coloured pixels)`);
    await screenshot(page, 'planner');
  });
});
