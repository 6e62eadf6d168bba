// Start-up: the atlas from /api/health, the session (login form or the stored token), then the
// view for the user's role: planner, field or leader (an admin may switch between them).

import { get, post, setToken, token, ApiError } from './api.js';
import { loadCodes, lang, setLang } from './codes.js';
import { createMap } from './map.js';
import { clearError, guarded, showError, hint, el } from './ui.js';
import * as planner from './planner.js';
import * as field from './field.js';
import * as leader from './leader.js';

// Administrators manage users and teams (`feltkart user add`, /api/admin); the map data is
// for the three working roles only, so they get the base map and a note.
const admin = {
  mount(panel) {
    panel.append(el('section', { class: 'card' }, el('h2', {}, 'Administration'),
      el('p', {}, 'Administrators manage users and teams. The score map, day routes and coverage '
        + 'are shown to planners, field workers and leaders when they log in.')));
  },
};
const VIEWS = { planner, field, leader, admin };
const VIEW_OF = { planner: 'planner', field: 'field', leader: 'leader' };
const $ = (id) => document.getElementById(id);

let atlas = null;
let me = null;

async function boot() {
  const langSelect = $('lang');
  langSelect.value = lang();
  langSelect.addEventListener('change', () => setLang(langSelect.value));
  $('error-close').addEventListener('click', clearError);
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    login();
  });
  $('logout').addEventListener('click', logout);

  const health = await guarded(() => get('/health', 'Reaching the server'));
  if (!health) return;
  atlas = health.atlas;
  $('atlas-name').textContent = atlas && atlas.name ? `Atlas: ${atlas.name}` : '';
  if (token()) {
    try {
      me = await get('/me', 'Restoring the session');
      await enter();
      return;
    } catch (e) {
      setToken(null);
      if (!(e instanceof ApiError && e.status === 401)) showError(e.message);
    }
  }
  showLogin();
}

function showLogin() {
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('login-name').focus();
}

async function login() {
  const name = $('login-name');
  const password = $('login-password');
  const msg = $('login-msg');
  msg.textContent = '';
  $('login-name-msg').textContent = name.value.trim() ? '' : 'Enter your login.';
  $('login-password-msg').textContent = password.value ? '' : 'Enter your password.';
  name.setAttribute('aria-invalid', String(!name.value.trim()));
  password.setAttribute('aria-invalid', String(!password.value));
  if (!name.value.trim() || !password.value) return;
  const button = $('login-submit');
  button.disabled = true;
  try {
    const session = await post('/login', { login: name.value.trim(), password: password.value }, 'Logging in');
    setToken(session.token);
    me = { login: name.value.trim(), role: session.role, team: session.team };
    password.value = '';
    await enter();
  } catch (e) {
    msg.textContent = e instanceof ApiError && e.status === 401
      ? 'The login or the password is wrong.'
      : e.message;
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  await guarded(() => post('/logout', undefined, 'Logging out'));
  setToken(null);
  me = null;
  showLogin();
}

async function enter() {
  clearError();
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = `${me.login} (${me.role}${me.team != null ? `, team ${me.team}` : ''})`;
  await guarded(loadCodes);
  await guarded(() => showView(VIEW_OF[me.role] || 'admin'));
}

async function showView(name) {
  document.body.dataset.view = name;
  hint('');
  $('legend').hidden = true;
  const panel = $('panel');
  panel.replaceChildren();
  const box = atlas && atlas.bbox ? atlas.bbox : [-180, -85, 180, 85];
  const map = await createMap(box);
  await VIEWS[name].mount(panel, { map, me, atlas });
}

boot();
