// Small DOM helpers shared by the views: element builder, the error banner, inline form
// messages and number validation.

/** Builds an element: el('button', {type: 'button', onclick}, 'text', child…). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A labelled control with a slot for its inline message: returns {wrap, input, msg}. */
export function field(id, label, control) {
  control.id = id;
  const msg = el('p', { id: `${id}-msg`, class: 'field-msg', 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', msg.id);
  const wrap = el('div', { class: 'field' }, el('label', { for: id }, label), control, msg);
  return { wrap, input: control, msg };
}

export function select(options, value) {
  const s = el('select');
  for (const o of options) s.append(el('option', { value: o.value, selected: o.value === value }, o.label));
  return s;
}

export function showError(message) {
  const banner = document.getElementById('error-banner');
  document.getElementById('error-text').textContent = message;
  banner.hidden = false;
}

export function clearError() {
  document.getElementById('error-banner').hidden = true;
}

/**
 * Runs an async action and shows its failure in the banner instead of losing it. A message
 * already shown stays until the user dismisses it or starts another action (`fresh`):
 * background reloads (the map moved) must not hide it.
 */
export async function guarded(action, { fresh = false } = {}) {
  try {
    if (fresh) clearError();
    return await action();
  } catch (e) {
    showError(e.message || String(e));
    return undefined;
  }
}

/** Sets or clears a control's inline message; returns false when a message was set. */
export function inline(f, message) {
  f.msg.textContent = message || '';
  f.input.setAttribute('aria-invalid', message ? 'true' : 'false');
  return !message;
}

/** Reads a whole number in [min, max]; sets the inline message and returns null when it is not. */
export function intIn(f, min, max, what) {
  const text = f.input.value.trim();
  if (text === '') {
    inline(f, `Enter ${what}.`);
    return null;
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    inline(f, `${what[0].toUpperCase()}${what.slice(1)} must be a whole number from ${min} to ${max}.`);
    return null;
  }
  inline(f, '');
  return n;
}

export function hint(message) {
  const h = document.getElementById('map-hint');
  h.textContent = message || '';
  h.hidden = !message;
}

export const fmtKm = (m) => `${(m / 1000).toFixed(1)} km`;
export const fmtPct = (x) => `${Math.round(x * 100)} %`;

/** HH:MM of an RFC 3339 time or an "HH:MM" string. */
export function fmtTime(t) {
  if (!t) return '';
  if (/^\d\d:\d\d/.test(t)) return t.slice(0, 5);
  // The wall-clock time as the server wrote it (the municipality's offset), not the device's.
  const m = /T(\d\d:\d\d)/.exec(t);
  if (m) return m[1];
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toTimeString().slice(0, 5);
}

/** An RFC 3339 local time with offset for a Date. */
export function rfc3339(d) {
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}

export const isoDate = (d) => rfc3339(d).slice(0, 10);

/** A user's action: the last message goes, and this one's failure is shown. */
export const act = (action) => guarded(action, { fresh: true });

/** The device's local time as `YYYY-MM-DDTHH:MM:SS`, no offset: the server reads it in the municipality's offset. */
export const localTime = (d) => rfc3339(d).slice(0, 19);
