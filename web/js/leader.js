// The leader view: coverage by day-part (a slot selector, the thresholded coverage heatmap and
// a chart of priority coverage per day-part), outdoor time against the 30 % guideline per
// team, and the gap list. The server sends aggregates only; cells under its privacy threshold
// are not sent at all.

import { get } from './api.js';
import { el, field, guarded, act, inline, hint, fmtPct, isoDate } from './ui.js';
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
  const show = el('button', { type: 'submit', id: 'cov-show' }, 'Show coverage');
  const form = el('form', { id: 'cov-form', novalidate: true }, from.wrap, to.wrap, slot.wrap, show);
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
  let gapData = [];

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

  const renderAll = () => {
    renderTeams(teams, teamData, slot.input.value);
    renderGaps(gaps, gapData);
  };

  const load = async (q) => {
    await Promise.all([
      guarded(() => loadCoverage(q)),
      guarded(async () => {
        const r = await get(`/coverage/teams?${q}`, 'Loading the team figures');
        teamData = Array.isArray(r) ? r : r.teams || [];
      }),
      guarded(async () => {
        const r = await get(`/gaps?${q}`, 'Loading the gap list');
        gapData = Array.isArray(r) ? r : r.gaps || [];
      }),
    ]);
    renderAll();
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
    renderTeams(teams, teamData, slot.input.value);
  });
  onLangChange(() => {
    fillSlots();
    renderAll();
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
      el('h3', {}, t.name || `Team ${t.team ?? t.id}`),
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

function renderGaps(section, gaps) {
  section.replaceChildren(el('h2', {}, 'Gaps'));
  if (!gaps.length) {
    section.append(el('p', { class: 'empty' }, 'No gaps: every priority area was covered in every day-part.'));
    return;
  }
  section.append(el('ul', { class: 'gap-list', id: 'gap-list' }, gaps.map((g) => {
    const where = g.name || g.district_name || (g.district != null ? `District ${g.district}` : g.h3 || 'Priority area');
    const slots = g.day_parts || g.missing_day_parts || (g.day_part ? [g.day_part] : []);
    const since = g.last_visit ? `; last visit ${String(g.last_visit).slice(0, 10)}` : g.days_since != null ? `; ${g.days_since} days since a visit` : '';
    return el('li', {}, el('strong', {}, where),
      slots.length ? `: not covered ${slots.map((s) => label('day_parts', s)).join(', ')}` : '', since);
  })));
}
