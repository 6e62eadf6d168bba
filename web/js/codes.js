// The sign, outcome and day-part codes from /api/codes (data/signs.toml on the server), with
// their Danish, Norwegian and English labels, and the language the user chose.

import { get } from './api.js';

const LANG_KEY = 'feltkart.lang';
let codes = { signs: [], outcomes: [], day_parts: [] };
const listeners = [];

export function lang() {
  return localStorage.getItem(LANG_KEY) || 'en';
}

export function setLang(value) {
  localStorage.setItem(LANG_KEY, value);
  document.documentElement.lang = value === 'nb' ? 'nb' : value;
  for (const f of listeners) f();
}

/** Calls `f` whenever the language changes (views re-label their selects). */
export function onLangChange(f) {
  listeners.push(f);
}

export async function loadCodes() {
  const c = await get('/codes', 'Loading the sign and outcome codes');
  codes = { signs: c.signs || [], outcomes: c.outcomes || [], day_parts: c.day_parts || [] };
  return codes;
}

export const signs = () => codes.signs;
export const outcomes = () => codes.outcomes;
export const dayParts = () => codes.day_parts;

/** The label of a code in the chosen language, falling back to English, then to the code. */
export function label(kind, code) {
  const entry = (codes[kind] || []).find((c) => c.code === code);
  if (!entry) return code;
  const labels = entry.labels || {};
  return labels[lang()] || labels.en || code;
}

/** Fills a <select> with the codes of `kind`, keeping the selected value. */
export function fillCodeSelect(selectEl, kind, { blank } = {}) {
  const keep = selectEl.value;
  selectEl.replaceChildren();
  if (blank) selectEl.append(new Option(blank, ''));
  for (const c of codes[kind] || []) selectEl.append(new Option(label(kind, c.code), c.code));
  if ([...selectEl.options].some((o) => o.value === keep)) selectEl.value = keep;
}
