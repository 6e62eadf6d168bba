// A stand-in for `feltkart serve` while the real server is being built: serves web/ at `/` and
// `/web/...`, and canned answers that follow the API contract (issue 8) over a Monaco-sized
// atlas, with the same auth and error shape. Tests only.
//   node tests/browser/mock-server.mjs [port]   (prints "listening on http://127.0.0.1:PORT")

import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const BBOX = [7.409, 43.7247, 7.4398, 43.7519];
const USERS = {
  planner: { password: 'planner-pass', role: 'planner', team: null },
  field: { password: 'field-pass', role: 'field', team: 1 },
  leader: { password: 'leader-pass', role: 'leader', team: null },
  admin: { password: 'admin-pass', role: 'admin', team: null },
};
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.txt': 'text/plain', '.md': 'text/plain' };
const L = (da, nb, en) => ({ da, nb, en });
const CODES = {
  signs: [
    { code: 'covered_windows', labels: L('Tildækkede vinduer', 'Tildekte vinduer', 'Covered windows') },
    { code: 'overfull_mailbox', labels: L('Overfyldt postkasse', 'Full postkasse', 'Overfull mailbox') },
    { code: 'neglected_garden', labels: L('Forsømt have', 'Forsømt hage', 'Neglected garden') },
  ],
  outcomes: [
    { code: 'met', labels: L('Mødt', 'Møtt', 'Met') },
    { code: 'no_answer', labels: L('Ingen åbnede', 'Ingen åpnet', 'No answer') },
    { code: 'declined', labels: L('Afslog', 'Avslo', 'Declined') },
  ],
  day_parts: [
    { code: 'morning', labels: L('Morgen', 'Morgen', 'Morning') },
    { code: 'midday', labels: L('Middag', 'Midt på dagen', 'Midday') },
    { code: 'afternoon', labels: L('Eftermiddag', 'Ettermiddag', 'Afternoon') },
    { code: 'evening', labels: L('Aften', 'Kveld', 'Evening') },
    { code: 'night', labels: L('Nat', 'Natt', 'Night') },
  ],
};

const sessions = new Map();
let observations = 3;
let nextId = 1;

const fc = (features) => ({ type: 'FeatureCollection', features });
const hex = (cx, cy, r) => {
  const ring = [];
  for (let i = 0; i <= 6; i++) {
    const a = (Math.PI / 3) * (i % 6);
    ring.push([cx + r * Math.cos(a) * 1.38, cy + r * Math.sin(a)]);
  }
  return { type: 'Polygon', coordinates: [ring] };
};
const rect = (w, s, e, n) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

function cells(profile, minutes) {
  const out = [];
  let i = 0;
  for (let y = BBOX[1] + 0.002; y < BBOX[3] - 0.002; y += 0.0021) {
    for (let x = BBOX[0] + 0.003; x < BBOX[2] - 0.003; x += 0.0031) {
      i += 1;
      const h3 = `89396${(100000 + i).toString(16)}fffff`;
      const score = Math.round((50 + 50 * Math.sin(i * 0.7 + profile.length)) * 10) / 10;
      const props = minutes ? { h3, minutes: (i * 17) % 200, visits: 1 + (i % 4), day_parts: ['evening'] } : { h3, score };
      if (!minutes || i % 3 === 0) out.push({ type: 'Feature', geometry: hex(x, y, 0.001), properties: props });
    }
  }
  return fc(out);
}

function basemap(layer) {
  const [w, s, e, n] = BBOX;
  if (layer === 'water') return fc([{ type: 'Feature', geometry: rect(e - 0.008, s, e, s + 0.012), properties: {} }]);
  if (layer === 'parks') return fc([{ type: 'Feature', geometry: rect(w + 0.004, n - 0.008, w + 0.01, n - 0.003), properties: {} }]);
  if (layer === 'buildings') {
    const b = [];
    for (let x = w + 0.002; x < e - 0.01; x += 0.0025) for (let y = s + 0.003; y < n - 0.002; y += 0.002) {
      b.push({ type: 'Feature', geometry: rect(x, y, x + 0.0012, y + 0.0008), properties: {} });
    }
    return fc(b);
  }
  const lines = [];
  for (let y = s + 0.0025; y < n; y += 0.002) lines.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [[w, y], [e, y]] }, properties: { name: `Street ${lines.length}` } });
  for (let x = w + 0.0015; x < e; x += 0.0025) lines.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [[x, s], [x, n]] }, properties: {} });
  return fc(lines);
}

function walk(body) {
  const [lon, lat] = body.start;
  const coords = [[lon, lat], [lon + 0.004, lat], [lon + 0.004, lat + 0.003], [lon, lat + 0.003], [lon, lat]];
  const id = `w${nextId++}`;
  const routes = Array.from({ length: body.pairs || 1 }, (_, p) => ({
    geojson: fc([{ type: 'Feature', geometry: { type: 'LineString', coordinates: coords.map(([x, y]) => [x + p * 0.001, y - p * 0.001]) }, properties: {} }]),
    sheet: [{ time: '15:00', name: 'Start', lon, lat }, { time: '15:12', name: 'Boulevard des Moulins', lon: lon + 0.004, lat }, { time: '15:40', name: 'Back at the start', lon, lat }],
    length_m: 1420 + p * 100,
    minutes: Math.min(body.minutes, 40),
  }));
  return { id, routes };
}

const today = {
  id: 5, team: 1, date: '2026-11-24',
  route: {
    geojson: fc([{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[7.418, 43.731], [7.423, 43.733], [7.428, 43.737], [7.425, 43.742]] }, properties: { length_m: 2300, walk_s: 1900 } }]),
    stops: [
      { revisit: 11, appointment: true, arrive: '2026-11-24T13:05:00', start: '2026-11-24T13:05:00', depart: '2026-11-24T13:15:00', lon: 7.423, lat: 43.733 },
      { revisit: 12, appointment: false, arrive: '2026-11-24T14:10:00', start: '2026-11-24T14:10:00', depart: '2026-11-24T14:20:00', lon: 7.425, lat: 43.742 },
    ],
    back: '2026-11-24T15:00:00',
    travel_s: 1900,
    unreachable: [],
  },
};

const TEAMS = [
  { team: 1, code: 'nord', outdoor_hours: 41.5, contracted_hours: 148, outdoor_share: 0.28, guideline: 0.3, slot_diversity: 0.72,
    priority_coverage: { morning: 0.2, midday: 0.3, afternoon: 0.55, evening: 0.8, night: 0.05 } },
  { team: 2, code: 'syd', outdoor_hours: 50, contracted_hours: 148, outdoor_share: 0.34, guideline: 0.3, slot_diversity: 0.4,
    priority_coverage: { morning: 0.6, midday: 0.2, afternoon: 0.3, evening: 0.1, night: 0 } },
];
const GAPS = [
  { h3: '8a3969a4009ffff', priority: 72, minutes: 10, visits: 1, deficit: 0.67 },
  { h3: '8a3969a400b7fff', priority: 64, minutes: 0, visits: 0, deficit: 1 },
];

function route(method, url, user, body) {
  const p = url.pathname;
  const q = url.searchParams;
  const need = (...roles) => {
    if (!user) throw [401, 'unauthorized', 'log in first'];
    if (!roles.includes(user.role)) throw [403, 'forbidden', `the ${user.role} role may not do this`];
  };
  if (method === 'GET' && p === '/api/health') return { status: 'ok', version: 'mock', atlas: { name: 'monaco', bbox: BBOX } };
  if (method === 'POST' && p === '/api/login') {
    const u = USERS[body.login];
    if (!u || u.password !== body.password) throw [401, 'bad_credentials', 'the login or the password is wrong'];
    const token = `t${nextId++}`;
    sessions.set(token, { login: body.login, role: u.role, team: u.team });
    return { token, role: u.role, team: u.team, expires_at: '2026-12-31T00:00:00Z' };
  }
  need('planner', 'field', 'leader', 'admin');
  if (method === 'POST' && p === '/api/logout') return {};
  if (method === 'GET' && p === '/api/me') return user;
  if (method === 'GET' && p === '/api/codes') return CODES;
  if (method === 'GET' && p === '/api/basemap') return basemap(q.get('layer'));
  if (method === 'GET' && p === '/api/profiles') {
    need('planner', 'leader');
    return [{ key: 'young-people', name: 'Young people 13–25', description: 'Streets, pitches and youth clubs.' },
      { key: 'isolated-own-home', name: 'Isolated in their own home', description: 'Social housing and cheap rentals.' }];
  }
  if (method === 'GET' && p === '/api/cells') { need('planner'); return cells(q.get('profile') || '', false); }
  const cell = p.match(/^\/api\/cells\/(\w+)$/);
  if (method === 'GET' && cell) {
    need('planner');
    return { h3: cell[1], score: 62, breakdown: [
      { question: 'housing', feature: 'apartment_blocks', points: 40, detail: '100.3 of 128.3 dwellings' },
      { question: 'stay', feature: 'kiosk', points: 22, detail: '3 within 300 m' }] };
  }
  if (method === 'GET' && p === '/api/districts') {
    need('planner');
    const geometry = q.get('geometry') === 'true' ? rect(7.411, 43.733, 7.418, 43.739) : undefined;
    return [
      { rank: 1, id: 'r4', name: 'Moneghetti', score: 81, cells: 12, partners: ['library', 'pharmacy'], channels: ['notice board'], geometry },
      { rank: 2, id: 'r7', name: null, score: 64, cells: 9, partners: ['police'], channels: [] },
    ];
  }
  if (method === 'POST' && p === '/api/plan/walk') { need('planner'); return walk(body); }
  const team = p.match(/^\/api\/teams\/(\d+)\/today$/);
  if (method === 'GET' && team) { need('field', 'planner'); return today; }
  const LOCAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/;
  if (method === 'POST' && /^\/api\/revisits\/\d+\/attempts$/.test(p)) {
    need('field', 'planner');
    if (!LOCAL.test(body.at || '')) throw [400, 'bad_request', `at \`${body.at}\`: not a local time like 2026-12-01T19:00`];
    return { id: nextId++, closed: body.outcome === 'met' };
  }
  if (method === 'POST' && /^\/api\/plan\/day\/\d+\/done$/.test(p)) {
    need('field');
    const minutes = today.route.travel_s / 60;
    TEAMS.find((t) => t.team === user.team).outdoor_hours += (2 * minutes) / 60; // a pair
    return { id: nextId++, start: today.route.stops[0].arrive, minutes, metres: 2300, cells: 9, fixes_off_network: 0 };
  }
  if (method === 'POST' && /^\/api\/walks\/planned\/\w+\/done$/.test(p)) { need('field'); return { done: true }; }
  if (method === 'POST' && p === '/api/observations') {
    need('field');
    if (!CODES.signs.some((s) => s.code === body.sign)) throw [400, 'unknown_sign', `unknown sign code ${body.sign}`];
    if (body.at !== undefined && !LOCAL.test(body.at)) throw [400, 'bad_request', `at \`${body.at}\`: not a local time like 2026-12-01T19:00`];
    observations += 1;
    return { id: nextId++, cell: '8a3969a40a4ffff' };
  }
  if (method === 'GET' && p === '/api/observations/count') { need('field'); return { team: Number(q.get('team')), count: observations }; }
  if (method === 'GET' && p === '/api/coverage') { need('leader', 'planner'); return cells(q.get('slot') || 'all', true); }
  if (method === 'GET' && p === '/api/coverage/teams') { need('leader', 'planner'); return TEAMS; }
  if (method === 'GET' && p === '/api/gaps') {
    need('leader', 'planner');
    if (!q.get('team')) throw [400, 'bad_request', 'give team=ID'];
    if (!/^week(day|end)_(morning|midday|afternoon|evening|night)$/.test(q.get('slot') || '')) throw [400, 'bad_request', `slot \`${q.get('slot')}\`: not weekday_/weekend_ + a day-part`];
    return q.get('team') === '1' ? GAPS : [];
  }
  throw [404, 'not_found', `no route ${method} ${p}`];
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (!url.pathname.startsWith('/api/')) {
    const rel = url.pathname === '/' ? 'index.html' : url.pathname.replace(/^\/web\//, '');
    const file = path.join(WEB, path.normalize(rel));
    if (!file.startsWith(WEB)) { res.writeHead(403).end(); return; }
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' }).end(data);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
    return;
  }
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString();
  const auth = (req.headers.authorization || '').replace(/^Bearer /, '');
  try {
    const body = text ? JSON.parse(text) : {};
    const gpx = url.pathname.endsWith('.gpx');
    if (gpx) {
      if (!sessions.has(auth)) throw [401, 'unauthorized', 'log in first'];
      const wpts = url.pathname.startsWith('/api/plan/day/')
        ? today.route.stops.map((x) => `<wpt lat="${x.lat}" lon="${x.lon}"><name>${x.appointment ? 'Appointment' : 'Search'} rv${x.revisit}</name></wpt>`).join('')
        : '';
      res.writeHead(200, { 'Content-Type': 'application/gpx+xml' }).end(`<?xml version="1.0"?><gpx version="1.1" creator="mock">${wpts}</gpx>`);
      return;
    }
    const out = route(req.method, url, sessions.get(auth), body);
    const created = req.method === 'POST' && /^\/api\/plan\/day\/\d+\/done$/.test(url.pathname);
    res.writeHead(created ? 201 : 200, { 'Content-Type': 'application/json' }).end(JSON.stringify(out));
  } catch (e) {
    const [status, code, message] = Array.isArray(e) ? e : [500, 'internal', String(e)];
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code, message } }));
  }
}

const server = http.createServer((req, res) => { handle(req, res); });
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
