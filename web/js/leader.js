// The leader view: coverage by day-part (a slot selector, the thresholded coverage heatmap and
// a chart of priority coverage per day-part), outdoor time against the 30 % guideline per
// team, and the gap list. The server sends aggregates only; cells under its privacy threshold
// are not sent at all.

import { get, ApiError } from './api.js';
import { el, field, select, guarded, act, inline, hint, fmtPct, isoDate } from './ui.js';
import { overlay } from './map.js';
import { dayParts, label, onLangChange, fillCodeSelect } from './codes.js';
import { minutesLegend, MINUTES_COLOR } from './legend.js';
import { dayPartChart } from './chart.js';

const GUIDELINE = 0.3;

export async function mount(panel, { map }) {
  const today = new Date();
  const from = field('cov-from', 'From', el('input', { type: 'date', value: isoDate(new Date(today - 13 * 864e5)) }));
  const to = field('cov-to', 'To', el('input', { type: 'date', value: isoDate(today) }));
  const slot = field('cov-slot', 'Day-part', el('select'));
  const fillSlots = () => fillCodeSelect(slot.input, 'day_parts', { blank: 'All day-parts' });
  fillSlots();
  const week = field('cov-week', 'Days', el('select', {},
    el('option', { value: 'weekday' }, 'Weekdays'), el('option', { value: 'weekend' }, 'Weekends')));
  const show = el('button', { type: 'submit', id: 'cov-show' }, 'Show coverage');
  const form = el('form', { id: 'cov-form', novalidate: true }, from.wrap, to.wrap, slot.wrap, week.wrap, show);
  const summary = el('p', { id: 'cov-summary', 'aria-live': 'polite' });
  const teams = el('section', { id: 'teams', class: 'card' }, el('h2', {}, 'Teams'));
  const gaps = el('section', { id: 'gaps', class: 'card' }, el('h2', {}, 'Gaps'));
  panel.append(el('section', { class: 'card' }, el('h2', {}, 'Coverage'), form, summary), teams, gaps);

  const legend = document.getElementById('legend');
  legend.replaceChildren(minutesLegend('Minutes walked'));
  legend.hidden = false;
  const layers = [
    { id: 'coverage-fill', type: 'fill', paint: { 'fill-color': MINUTES_COLOR, 'fill-opacity': 0.65 } },
    { id: 'coverage-line', type: 'line', paint: { 'line-color': '#ffffff', 'line-width': 0.3 } },
  ];
  let teamData = [];
  // Priority cells (for the team figures and the gaps) come from a profile: chosen here when
  // the server lets this role list the profiles, else the server's default.
  let profiles = [];
  try {
    profiles = await get('/profiles', 'Loading the profiles');
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 403)) throw e;
  }
  const profileSel = field('cov-profile', 'Target group (profile)',
    select(profiles.map((x) => ({ value: x.key, label: x.name || x.key })), profiles[0] && profiles[0].key));
  if (profiles.length) form.insertBefore(profileSel.wrap, show);
  const profileParam = () => (profiles.length ? `&profile=${encodeURIComponent(profileSel.input.value)}` : '');

  const range = () => {
    const a = from.input.value;
    const b = to.input.value;
    const okA = inline(from, a ? '' : 'Choose the first day.');
    const okB = inline(to, b ? '' : 'Choose the last day.');
    if (!okA || !okB) return null;
    if (a > b) {
      inline(to, 'The last day must not be before the first day.');
      return null;
    }
    if ((new Date(b) - new Date(a)) / 864e5 > 366) {
      inline(to, 'Choose at most one year.');
      return null;
    }
    return `from=${a}&to=${b}`;
  };

  const loadCoverage = async (q) => {
    const s = slot.input.value ? `&slot=${encodeURIComponent(slot.input.value)}` : '';
    const fc = await get(`/coverage?${q}${s}`, 'Loading the coverage');
    overlay('coverage', fc, layers);
    const n = (fc.features || []).length;
    const minutes = (fc.features || []).reduce((m, f) => m + Number(f.properties.minutes || 0), 0);
    const what = slot.input.value ? label('day_parts', slot.input.value) : 'all day-parts';
    summary.textContent = n
      ? `${n} cells covered in ${what}, ${Math.round(minutes)} minutes in all.`
      : `No covered cells in ${what} for these days (cells with too few visits are not shown).`;
    hint(n ? '' : 'No coverage to show for this choice.');
  };

  const loadGaps = async (q) => {
    gaps.replaceChildren(el('h2', {}, 'Gaps'));
    if (!slot.input.value) {
      gaps.append(el('p', { class: 'empty' }, 'Choose a day-part to list the priority cells it leaves uncovered.'));
      return;
    }
    if (!teamData.length) {
      gaps.append(el('p', { class: 'empty' }, 'No team to list gaps for.'));
      return;
    }
    const s = `${week.input.value}_${slot.input.value}`;
    const p = profileParam();
    const lists = await Promise.all(teamData.map(async (t) => {
      try {
        return { t, gaps: await get(`/gaps?${q}&team=${t.team}&slot=${s}${p}&limit=10`, `Loading the gaps of team ${t.code ?? t.team}`) };
      } catch (e) {
        return { t, error: e.message };
      }
    }));
    renderGaps(gaps, lists, label('day_parts', slot.input.value), week.input.value);
  };

  const renderAll = (q) => {
    renderTeams(teams, teamData, slot.input.value);
    return guarded(() => loadGaps(q));
  };

  const load = async (q) => {
    await Promise.all([
      guarded(() => loadCoverage(q)),
      guarded(async () => {
        const r = await get(`/coverage/teams?${q}${profileParam()}`, 'Loading the team figures');
        teamData = Array.isArray(r) ? r : r.teams || [];
      }),
    ]);
    await renderAll(q);
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = range();
    if (q) act(() => load(q));
  });
  slot.input.addEventListener('change', () => {
    const q = range();
    if (!q) return;
    act(() => loadCoverage(q));
    renderAll(q);
  });
  profileSel.input.addEventListener('change', () => {
    const q = range();
    if (q) act(() => load(q));
  });
  week.input.addEventListener('change', () => {
    const q = range();
    if (q) renderAll(q);
  });
  onLangChange(() => {
    fillSlots();
    const q = range();
    if (q) renderAll(q);
  });
  map.on('click', 'coverage-fill', (e) => {
    const p = e.features[0].properties;
    hint(`Cell ${p.h3}: ${Math.round(p.minutes)} minutes in ${p.visits} visit(s).`);
  });
  const q = range();
  if (q) await load(q);
}

/** Per-day-part priority coverage as [{code, share}], from an object or a list. */
function perDayPart(team) {
  const pc = team.priority_coverage ?? team.priority_coverage_by_day_part ?? {};
  const list = Array.isArray(pc)
    ? pc.map((x) => ({ code: x.day_part ?? x.slot ?? x.code, share: Number(x.share ?? x.coverage ?? x.percent / 100) }))
    : Object.entries(pc).map(([code, share]) => ({ code, share: Number(share) }));
  const order = dayParts().map((d) => d.code);
  return list.sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code));
}

function renderTeams(section, teams, slot) {
  section.replaceChildren(el('h2', {}, 'Teams'));
  if (!teams.length) {
    section.append(el('p', { class: 'empty' }, 'No team has logged walks in these days.'));
    return;
  }
  for (const t of teams) {
    const contracted = Number(t.contracted_hours || 0);
    const outdoor = Number(t.outdoor_hours || 0);
    const share = t.outdoor_share != null ? Number(t.outdoor_share) : contracted > 0 ? outdoor / contracted : 0;
    const guideline = t.guideline != null ? Number(t.guideline) : GUIDELINE;
    const parts = perDayPart(t);
    const overall = t.priority_coverage_total != null
      ? Number(t.priority_coverage_total)
      : parts.length ? parts.reduce((s, p) => s + p.share, 0) / parts.length : null;
    section.append(el('div', { class: 'team', 'data-team': t.team ?? t.id },
      el('h3', {}, t.name || `Team ${t.code ?? t.team}`),
      el('p', { class: share < guideline ? 'warn' : 'ok' },
        `Outdoor time ${fmtPct(share)} of contracted time (${outdoor.toFixed(1)} of ${contracted.toFixed(1)} h); guideline ${fmtPct(guideline)}.`),
      el('div', { class: 'meter', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(share * 100), 'aria-label': 'Outdoor share' },
        el('span', { class: 'meter-fill', style: `width:${Math.min(100, share * 100)}%` }),
        el('span', { class: 'meter-mark', style: `left:${guideline * 100}%`, title: 'guideline' })),
      overall != null ? el('p', {}, `Priority coverage: ${fmtPct(overall)}`) : null,
      t.slot_diversity != null ? el('p', { class: 'muted' }, `Slot diversity: ${Number(t.slot_diversity).toFixed(2)}`) : null,
      parts.length
        ? dayPartChart(parts.map((p) => ({ ...p, label: label('day_parts', p.code) })), slot)
        : el('p', { class: 'empty' }, 'No priority coverage per day-part yet.')));
  }
}

function renderGaps(section, lists, slotName, week) {
  section.replaceChildren(el('h2', {}, 'Gaps'),
    el('p', { class: 'muted' }, `Priority cells short of time in ${slotName} on ${week === 'weekend' ? 'weekends' : 'weekdays'}.`));
  for (const { t, gaps, error } of lists) {
    const name = t.name || `Team ${t.code ?? t.team}`;
    section.append(el('h3', {}, name));
    if (error) {
      section.append(el('p', { class: 'warn' }, error));
    } else if (!gaps.length) {
      section.append(el('p', { class: 'empty' }, 'No gaps: every priority cell had its time.'));
    } else {
      section.append(el('ul', { class: 'gap-list', 'data-team': t.team }, gaps.map((g) => el('li', {},
        el('strong', {}, `Cell ${g.h3}`),
        ` priority ${Math.round(g.priority)}: ${Math.round(g.minutes)} min in ${g.visits} visit(s), ${fmtPct(g.deficit)} short`))));
    }
  }
}
