// The field view (phone first): today's day route with its stops and times, the walk sheet and
// GPX, a revisit attempt with an outcome code, an observation sign at the current position or a
// tapped point, and marking the walk done. Only codes, places and times are sent: no free text.

import { get, post, download, ApiError } from './api.js';
import { el, field, guarded, act, inline, hint, fmtKm, fmtTime, localTime } from './ui.js';
import { overlay, fitTo, marker } from './map.js';
import { fillCodeSelect, label, onLangChange } from './codes.js';
import { routeLayers } from './routes.js';

export async function mount(panel, { map, me }) {
  if (me.team == null) {
    panel.append(el('p', { class: 'empty' }, 'Your account belongs to no team, so there is no day route to show.'));
    return;
  }
  const route = el('section', { id: 'today', class: 'card' }, el('h2', {}, 'Today’s route'));
  const obs = observationForm(map, me);
  panel.append(route, obs.section);
  map.on('click', (e) => obs.tapped(e.lngLat));
  await Promise.all([guarded(() => loadToday(route, me)), guarded(obs.refreshCount)]);
}

async function loadToday(section, me) {
  let today;
  try {
    today = await get(`/teams/${encodeURIComponent(me.team)}/today`, 'Loading today’s route');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) today = null;
    else throw e;
  }
  // The day plan holds its route: stops (revisit, arrive, lon, lat), the legs as GeoJSON,
  // the time back and the revisits that did not fit.
  const route = today ? today.route || today : null;
  const stops = route && route.stops ? route.stops : [];
  if (!today || !stops.length) {
    section.append(el('p', { class: 'empty' }, 'No route is planned for your team today.'));
    return;
  }
  const features = [...((route.geojson && route.geojson.features) || [])];
  stops.forEach((s, i) => features.push({
    type: 'Feature', geometry: { type: 'Point', coordinates: [s.lon, s.lat] }, properties: { stop: i + 1 },
  }));
  const fc = { type: 'FeatureCollection', features };
  overlay('today', fc, routeLayers('today'));
  fitTo(fc);

  const doneMsg = el('p', { class: 'form-msg success', 'aria-live': 'polite', id: 'done-msg' });
  const done = el('button', { type: 'button', id: 'walk-done' }, 'Mark the walk done');
  done.addEventListener('click', () => act(async () => {
    done.disabled = true;
    try {
      const w = await post(`/plan/day/${encodeURIComponent(today.id)}/done`, {}, 'Marking the walk done');
      doneMsg.textContent = `The walk is marked done: ${Math.round(w.minutes)} min on ${w.cells} cells logged.`;
    } catch (e) {
      done.disabled = false;
      throw e;
    }
  }));
  const summary = [
    route.length_m ? fmtKm(route.length_m) : null,
    route.travel_s != null ? `${Math.round(route.travel_s / 60)} min walking` : null,
    route.back ? `back at ${fmtTime(route.back)}` : null,
  ].filter(Boolean).join(', ');
  section.append(...[
    summary ? el('p', { class: 'muted' }, summary) : null,
    el('a', {
      href: `/api/plan/day/${today.id}.gpx`,
      class: 'gpx-link',
      onclick: (e) => {
        e.preventDefault();
        act(() => download(`/plan/day/${today.id}.gpx`, `day-${today.date || today.id}.gpx`, 'Downloading the GPX'));
      },
    }, 'Download GPX'),
    el('ol', { class: 'stops', id: 'stops' }, stops.map((s, i) => stopItem(s, i))),
    (route.unreachable || []).length
      ? el('p', { class: 'warn' }, `${route.unreachable.length} revisit(s) could not be fitted into today’s route.`)
      : null,
    done, doneMsg,
  ].filter(Boolean));
}

function stopItem(stop, i) {
  const revisit = stop.revisit ?? stop.revisit_id;
  const promised = stop.window ? ` (promised ${fmtTime(stop.window.start)}–${fmtTime(stop.window.end)})`
    : stop.appointment ? ' (promised time)' : '';
  const name = stop.name || (revisit != null ? `Revisit ${revisit}` : `Stop ${i + 1}`);
  const li = el('li', { class: 'stop' },
    el('p', {}, el('strong', {}, fmtTime(stop.arrive || stop.time)), ` ${name}${promised}`));
  if (revisit == null) return li;
  const outcome = field(`outcome-${i}`, 'Outcome', el('select'));
  const fill = () => fillCodeSelect(outcome.input, 'outcomes', { blank: 'Choose an outcome' });
  fill();
  onLangChange(fill);
  const msg = el('p', { class: 'form-msg success', 'aria-live': 'polite' });
  const save = el('button', { type: 'button' }, 'Record the attempt');
  save.addEventListener('click', () => {
    if (!outcome.input.value) {
      inline(outcome, 'Choose the outcome of the attempt.');
      return;
    }
    inline(outcome, '');
    act(async () => {
      await post(`/revisits/${encodeURIComponent(revisit)}/attempts`,
        { at: localTime(new Date()), outcome: outcome.input.value }, 'Recording the revisit attempt');
      msg.textContent = `Attempt recorded: ${label('outcomes', outcome.input.value)}.`;
    });
  });
  li.append(outcome.wrap, save, msg);
  return li;
}

function observationForm(map, me) {
  const sign = field('obs-sign', 'Sign', el('select'));
  const fill = () => fillCodeSelect(sign.input, 'signs', { blank: 'Choose a sign' });
  fill();
  onLangChange(fill);
  const where = el('p', { id: 'obs-where', class: 'muted' }, 'No position yet.');
  const whereMsg = el('p', { class: 'field-msg', id: 'obs-where-msg', 'aria-live': 'polite' });
  const here = el('button', { type: 'button', id: 'obs-here' }, 'Use my position');
  const tap = el('button', { type: 'button', id: 'obs-tap' }, 'Tap a point on the map');
  const submit = el('button', { type: 'submit', id: 'obs-submit' }, 'Log the observation');
  const count = el('p', { id: 'obs-count', 'aria-live': 'polite' }, '');
  const msg = el('p', { class: 'form-msg success', id: 'obs-msg', 'aria-live': 'polite' });
  const form = el('form', { id: 'obs-form', novalidate: true },
    sign.wrap, el('div', { class: 'row' }, here, tap), where, whereMsg, submit, msg);
  const section = el('section', { class: 'card' }, el('h2', {}, 'Log an observation'),
    el('p', { class: 'muted' }, 'A sign code at a place and time; nothing else is stored.'), form, count);
  let point = null;
  let tapping = false;
  let pin = null;

  const setPoint = (lngLat, how) => {
    point = [Number(lngLat.lng.toFixed(6)), Number(lngLat.lat.toFixed(6))];
    where.textContent = `${how}: ${point[0].toFixed(5)}, ${point[1].toFixed(5)}`;
    whereMsg.textContent = '';
    if (pin) pin.remove();
    pin = marker(lngLat, '#c2185b');
  };

  here.addEventListener('click', () => {
    if (!navigator.geolocation) {
      whereMsg.textContent = 'This browser cannot tell the position; tap a point on the map instead.';
      return;
    }
    where.textContent = 'Finding your position…';
    navigator.geolocation.getCurrentPosition(
      (p) => setPoint({ lng: p.coords.longitude, lat: p.coords.latitude }, 'Your position'),
      (err) => {
        where.textContent = point ? where.textContent : 'No position yet.';
        whereMsg.textContent = `The position is not available (${err.message}); tap a point on the map instead.`;
      },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  });
  tap.addEventListener('click', () => {
    tapping = true;
    hint('Tap the map where you saw the sign.');
  });

  const refreshCount = async () => {
    const c = await get(`/observations/count?team=${encodeURIComponent(me.team)}`, 'Counting the observations');
    count.textContent = `Observations logged by your team: ${c.count ?? 0}`;
    count.dataset.count = String(c.count ?? 0);
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    msg.textContent = '';
    const okSign = inline(sign, sign.input.value ? '' : 'Choose the sign you saw.');
    if (!point) whereMsg.textContent = 'Use your position or tap a point on the map first.';
    if (!okSign || !point) return;
    act(async () => {
      submit.disabled = true;
      try {
        const r = await post('/observations', { lon: point[0], lat: point[1], sign: sign.input.value, at: localTime(new Date()) },
          'Logging the observation');
        msg.textContent = `Logged: ${label('signs', sign.input.value)}${r && r.cell ? ` (cell ${r.cell})` : ''}.`;
        sign.input.value = '';
        await refreshCount();
      } finally {
        submit.disabled = false;
      }
    });
  });

  return {
    section,
    refreshCount,
    tapped(lngLat) {
      if (!tapping) return;
      tapping = false;
      hint('');
      setPoint(lngLat, 'Tapped point');
    },
  };
}
