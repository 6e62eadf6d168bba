// The planner view: the score heatmap of a profile with its legend, a cell's explanation, the
// ranked districts with partners and channels (choose the priority districts), and planning
// a walk at a chosen time of day, drawn on the map with its walk sheet.

import { get, post, bboxParam, download, ApiError } from './api.js';
import { el, field, select, guarded, act, inline, intIn, hint, fmtKm, fmtTime, rfc3339 } from './ui.js';
import { overlay, clearOverlay, fitTo, marker } from './map.js';
import { scoreLegend, SCORE_COLOR } from './legend.js';
import { routeLayers, walkSheet } from './routes.js';

const PRIORITY_KEY = (profile) => `feltkart.priority.${profile}`;

export async function mount(panel, { map, me }) {
  const profiles = await get('/profiles', 'Loading the profiles');
  if (!profiles.length) {
    panel.append(el('p', { class: 'empty' }, 'No profiles are set up on the server yet.'));
    return;
  }
  const profileSel = field('profile', 'Target group (profile)',
    select(profiles.map((p) => ({ value: p.key, label: p.name || p.key })), profiles[0].key));
  const profileDesc = el('p', { class: 'muted', id: 'profile-desc' });
  const explain = el('section', { id: 'explanation', class: 'card', 'aria-live': 'polite' },
    el('h2', {}, 'Cell explanation'),
    el('p', { class: 'muted' }, 'Click a cell on the map to see how its score was made.'));
  const districts = el('section', { id: 'districts', class: 'card' }, el('h2', {}, 'Ranked districts'));
  const top = el('section', { id: 'top-cells', class: 'card' }, el('h2', {}, 'Highest scores in view'));
  const plan = planForm(map, () => profileSel.input.value, me.team);

  panel.append(el('section', { class: 'card' }, el('h2', {}, 'Score map'), profileSel.wrap, profileDesc),
    explain, top, plan.section, districts);

  const cellLayers = [
    { id: 'cells-fill', type: 'fill', paint: { 'fill-color': SCORE_COLOR, 'fill-opacity': 0.6 } },
    { id: 'cells-line', type: 'line', paint: { 'line-color': '#ffffff', 'line-width': 0.3 } },
  ];
  const districtLayers = [
    { id: 'districts-line', type: 'line', paint: {
      'line-color': ['case', ['get', 'priority'], '#1a237e', '#5c6bc0'],
      'line-width': ['case', ['get', 'priority'], 3, 1],
      'line-dasharray': [2, 1],
    } },
  ];
  let districtList = [];
  const selectedLayers = [{ id: 'selected-cell', type: 'line', paint: { 'line-color': '#0d47a1', 'line-width': 3 } }];
  const explainCell = (feature) => {
    if (coarse) {
      hint('Zoom in to see how a cell’s score was made.');
      return undefined;
    }
    overlay('selected', { type: 'FeatureCollection', features: [feature] }, selectedLayers);
    return act(() => showExplanation(explain, feature.properties.h3, profileSel.input.value));
  };

  // Cells at the atlas's resolution, whose scores are explained; when the view holds too many
  // for one answer, the coarser display cells (res 9), which are drawn but not explained.
  let coarse = false;
  const loadCells = async () => {
    const q = `/cells?bbox=${bboxParam(map.getBounds())}&profile=${encodeURIComponent(profileSel.input.value)}`;
    let fc;
    try {
      fc = await get(q, 'Loading the cell scores');
      coarse = false;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 400)) throw e;
      fc = await get(`${q}&res=9`, 'Loading the cell scores');
      coarse = true;
    }
    overlay('cells', fc, cellLayers);
    hint((fc.features || []).length ? '' : 'No scored cells in this part of the map for this profile.');
    renderTop(top, fc.features || [], explainCell);
  };

  const drawDistricts = () => {
    const chosen = new Set(JSON.parse(localStorage.getItem(PRIORITY_KEY(profileSel.input.value)) || '[]'));
    const features = districtList.filter((d) => d.geometry).map((d) => ({
      type: 'Feature', geometry: d.geometry, properties: { id: d.id, priority: chosen.has(String(d.id)) },
    }));
    overlay('districts', { type: 'FeatureCollection', features }, districtLayers);
  };

  const loadDistricts = async () => {
    const profile = profileSel.input.value;
    districtList = await get(`/districts?profile=${encodeURIComponent(profile)}&limit=15&geometry=true`, 'Loading the districts');
    renderDistricts(districts, districtList, profile, drawDistricts);
    drawDistricts();
  };

  const showProfile = async () => {
    const p = profiles.find((x) => x.key === profileSel.input.value);
    profileDesc.textContent = p && p.description ? p.description : '';
    explain.replaceChildren(el('h2', {}, 'Cell explanation'),
      el('p', { class: 'muted' }, 'Click a cell on the map to see how its score was made.'));
    await Promise.all([guarded(loadCells), guarded(loadDistricts)]);
  };

  profileSel.input.addEventListener('change', () => act(showProfile));
  let timer = null;
  map.on('moveend', () => {
    clearTimeout(timer);
    timer = setTimeout(() => guarded(loadCells), 250);
  });
  map.on('click', (e) => {
    if (plan.picking(e.lngLat)) return;
    const hit = map.queryRenderedFeatures(e.point, { layers: ['cells-fill'] })[0];
    if (hit) explainCell({ type: 'Feature', geometry: hit.geometry, properties: hit.properties });
  });
  map.on('mouseenter', 'cells-fill', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'cells-fill', () => { map.getCanvas().style.cursor = ''; });

  const legend = document.getElementById('legend');
  legend.replaceChildren(scoreLegend('Score'));
  legend.hidden = false;
  await showProfile();
}

async function showExplanation(section, h3, profile) {
  section.replaceChildren(el('h2', {}, 'Cell explanation'), el('p', { class: 'muted' }, 'Loading…'));
  const x = await get(`/cells/${encodeURIComponent(h3)}?profile=${encodeURIComponent(profile)}`,
    `Loading the explanation of cell ${h3}`);
  const rows = (x.breakdown || []).map((b) => el('tr', {},
    el('td', {}, b.question),
    el('td', {}, b.feature, b.detail ? el('span', { class: 'muted detail' }, ` (${b.detail})`) : null),
    el('td', { class: 'num' }, Number(b.points).toFixed(1))));
  section.replaceChildren(
    el('h2', {}, 'Cell explanation'),
    el('p', {}, el('strong', { class: 'cell-score' }, `Score ${Math.round(x.score)}`), ` — cell ${x.h3}`),
    rows.length
      ? el('table', { class: 'breakdown' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Mapping question'),
          el('th', { scope: 'col' }, 'Feature'), el('th', { scope: 'col', class: 'num' }, 'Points'))),
        el('tbody', {}, rows))
      : el('p', { class: 'empty' }, 'Nothing in this cell scores for this profile.'),
  );
}

/** The best cells in view as buttons: the keyboard's way to a cell's explanation. */
function renderTop(section, features, explainCell) {
  const best = [...features].sort((a, b) => b.properties.score - a.properties.score).slice(0, 5);
  section.replaceChildren(el('h2', {}, 'Highest scores in view'));
  if (!best.length) {
    section.append(el('p', { class: 'empty' }, 'No scored cells in view.'));
    return;
  }
  section.append(el('ol', { class: 'top-cells' }, best.map((f) => el('li', {},
    el('button', { type: 'button', class: 'link', onclick: () => explainCell(f) },
      `Score ${Math.round(f.properties.score)}: cell ${f.properties.h3}`)))));
}

function renderDistricts(section, list, profile, redraw) {
  section.replaceChildren(el('h2', {}, 'Ranked districts'));
  if (!list.length) {
    section.append(el('p', { class: 'empty' }, 'No districts are known in this atlas.'));
    return;
  }
  const chosen = new Set(JSON.parse(localStorage.getItem(PRIORITY_KEY(profile)) || '[]'));
  const count = el('p', { class: 'muted', id: 'priority-count' });
  const updateCount = () => { count.textContent = `${chosen.size} priority district(s) chosen.`; };
  updateCount();
  const items = list.map((d) => {
    const id = String(d.id);
    const box = el('input', { type: 'checkbox', id: `district-${id}`, checked: chosen.has(id) });
    box.addEventListener('change', () => {
      if (box.checked) chosen.add(id); else chosen.delete(id);
      localStorage.setItem(PRIORITY_KEY(profile), JSON.stringify([...chosen]));
      updateCount();
      redraw();
    });
    return el('li', { class: 'district' },
      el('div', { class: 'district-head' }, box,
        el('label', { for: box.id }, `${d.rank}. ${d.name || `District ${id}`}`),
        el('span', { class: 'badge' }, `${Math.round(d.score)}`)),
      el('p', { class: 'muted' }, `${d.cells} cells`),
      d.partners && d.partners.length ? el('p', {}, el('strong', {}, 'Partners: '), d.partners.join(', ')) : null,
      d.channels && d.channels.length ? el('p', {}, el('strong', {}, 'Channels: '), d.channels.join(', ')) : null);
  });
  section.append(count, el('ol', { class: 'district-list' }, items));
}

function planForm(map, profile, team) {
  const center = map.getCenter();
  const start = field('plan-start', 'Start (longitude, latitude)',
    el('input', { value: `${center.lng.toFixed(5)}, ${center.lat.toFixed(5)}`, inputmode: 'decimal' }));
  const pick = el('button', { type: 'button', id: 'plan-pick' }, 'Pick the start on the map');
  const minutes = field('plan-minutes', 'Walk length (minutes)', el('input', { type: 'number', min: 10, max: 480, value: 90 }));
  const pairs = field('plan-pairs', 'Pairs', el('input', { type: 'number', min: 1, max: 6, value: 1 }));
  const now = new Date();
  const dateF = field('plan-date', 'Date', el('input', { type: 'date', value: rfc3339(now).slice(0, 10) }));
  const timeF = field('plan-time', 'Time of day', el('input', { type: 'time', value: '15:00' }));
  const result = el('div', { id: 'plan-result', 'aria-live': 'polite' });
  const submit = el('button', { type: 'submit', id: 'plan-submit' }, 'Plan the walk');
  const form = el('form', { id: 'plan-form', novalidate: true },
    start.wrap, pick, minutes.wrap, pairs.wrap, dateF.wrap, timeF.wrap, submit);
  const section = el('section', { class: 'card' }, el('h2', {}, 'Plan an observation walk'), form, result);
  let picking = false;
  let startMarker = null;

  pick.addEventListener('click', () => {
    picking = true;
    hint('Click the map where the walk starts.');
  });

  const parseStart = () => {
    const parts = start.input.value.split(',').map((s) => s.trim());
    const [lon, lat] = parts.map(Number);
    if (start.input.value.trim() === '') return inline(start, 'Enter the start as longitude, latitude, or pick it on the map.') && null;
    if (parts.length !== 2 || !Number.isFinite(lon) || !Number.isFinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      inline(start, 'The start must be two numbers: longitude (−180 to 180), latitude (−90 to 90).');
      return null;
    }
    inline(start, '');
    return [lon, lat];
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const s = parseStart();
    const m = intIn(minutes, 10, 480, 'the walk length in minutes');
    const p = intIn(pairs, 1, 6, 'the number of pairs');
    let at = null;
    if (!dateF.input.value || !timeF.input.value) {
      inline(timeF, 'Choose the date and the time of day the walk starts.');
    } else {
      inline(timeF, '');
      at = rfc3339(new Date(`${dateF.input.value}T${timeF.input.value}`));
    }
    if (!s || m === null || p === null || !at) return;
    act(async () => {
      submit.disabled = true;
      result.replaceChildren(el('p', { class: 'muted' }, 'Planning the walk…'));
      try {
        // Planned for the planner's team, so that its field pairs may download the GPX.
        const body = { profile: profile(), start: s, minutes: m, at, pairs: p, ...(team != null ? { team } : {}) };
        const walk = await post('/plan/walk', body, 'Planning the walk');
        showWalk(walk, result);
      } catch (err) {
        result.replaceChildren();
        throw err;
      } finally {
        submit.disabled = false;
      }
    });
  });

  return {
    section,
    picking(lngLat) {
      if (!picking) return false;
      picking = false;
      hint('');
      start.input.value = `${lngLat.lng.toFixed(5)}, ${lngLat.lat.toFixed(5)}`;
      inline(start, '');
      if (startMarker) startMarker.remove();
      startMarker = marker(lngLat);
      return true;
    },
  };
}

function showWalk(walk, result) {
  const routes = walk.routes || [];
  if (!routes.length) {
    clearOverlay('walk');
    result.replaceChildren(el('p', { class: 'empty' }, 'No walk fits this start and length.'));
    return;
  }
  const features = routes.flatMap((r, i) => (r.geojson.features || []).map((f) => ({
    ...f, properties: { ...(f.properties || {}), pair: i },
  })));
  const fc = { type: 'FeatureCollection', features };
  overlay('walk', fc, routeLayers('walk'));
  fitTo(fc);
  result.replaceChildren(...routes.map((r, i) => el('div', { class: 'walk' },
    el('h3', {}, `Pair ${i + 1}: ${fmtKm(r.length_m)}, ${Math.round(r.minutes)} min`),
    el('a', {
      href: `/api/plan/walk/${walk.id}/${i + 1}.gpx`,
      class: 'gpx-link',
      onclick: (e) => {
        e.preventDefault();
        act(() => download(`/plan/walk/${walk.id}/${i + 1}.gpx`, `walk-${i + 1}.gpx`, 'Downloading the GPX'));
      },
    }, `Download GPX (pair ${i + 1})`),
    walkSheet(r.sheet || [], fmtTime))));
}
