// Colour ramps shared by the heatmaps, as MapLibre expressions, and their legends.

import { el } from './ui.js';

const SCORE_STOPS = [[0, '#ffffcc'], [25, '#fed976'], [50, '#fd8d3c'], [75, '#e31a1c'], [100, '#800026']];
const MINUTE_STOPS = [[0, '#edf8fb'], [30, '#b3cde3'], [60, '#8c96c6'], [120, '#8856a7'], [240, '#810f7c']];

const ramp = (prop, stops) => ['interpolate', ['linear'], ['to-number', ['get', prop], 0], ...stops.flat()];

export const SCORE_COLOR = ramp('score', SCORE_STOPS);
export const MINUTES_COLOR = ramp('minutes', MINUTE_STOPS);

function legend(title, stops, unit) {
  return el('div', { class: 'legend-box', role: 'img', 'aria-label': `${title} legend` },
    el('strong', {}, title),
    el('ul', {}, stops.map(([v, c]) => el('li', {},
      el('span', { class: 'swatch', style: `background:${c}` }), `${v}${unit}`))));
}

export const scoreLegend = (title) => legend(title, SCORE_STOPS, '');
export const minutesLegend = (title) => legend(title, MINUTE_STOPS, ' min');
