// Drawing walks and day routes, and their walk sheets (times and street or stop names).

import { el } from './ui.js';

const PAIR_COLORS = ['#c2185b', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f'];

/** Line and stop layers for a route source; features carry `pair` (0-based) for their colour. */
export function routeLayers(id) {
  const color = ['match', ['to-number', ['get', 'pair'], 0], ...PAIR_COLORS.flatMap((c, i) => [i, c]), PAIR_COLORS[0]];
  return [
    { id: `${id}-line`, type: 'line', filter: ['==', ['geometry-type'], 'LineString'],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': color, 'line-width': 5, 'line-opacity': 0.9 } },
    { id: `${id}-stops`, type: 'circle', filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': color, 'circle-stroke-width': 3 } },
  ];
}

/** The walk sheet as a table: time, what. */
export function walkSheet(rows, fmtTime) {
  if (!rows.length) return el('p', { class: 'empty' }, 'The walk sheet is empty.');
  return el('table', { class: 'sheet' },
    el('caption', {}, 'Walk sheet'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Time'), el('th', { scope: 'col' }, 'Where'))),
    el('tbody', {}, rows.map((r) => el('tr', {}, el('td', {}, fmtTime(r.time)), el('td', {}, r.name || '')))));
}
