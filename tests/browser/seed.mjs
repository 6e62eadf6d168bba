// Seeds a fresh `feltkart serve` for the browser tests through its own API, as a planner
// would: two open revisits of the planner's team on streets near the middle of the atlas,
// and today's day route for that team (so the field view has a route to show).
//   FELTKART_URL=… FELTKART_PLANNER_LOGIN=… FELTKART_PLANNER_PASSWORD=… node tests/browser/seed.mjs

const BASE = process.env.FELTKART_URL;
const OFFSET_H = 1; // the server's default municipality offset (+01:00)

async function call(method, path, body, token) {
  const res = await fetch(`${BASE}/api${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const health = await call('GET', '/health');
const session = await call('POST', '/login', {
  login: process.env.FELTKART_PLANNER_LOGIN, password: process.env.FELTKART_PLANNER_PASSWORD,
});
const { token, team } = session;
const [w, s, e, n] = health.atlas.bbox;
const centre = [(w + e) / 2, (s + n) / 2];
const box = [centre[0] - 0.004, centre[1] - 0.003, centre[0] + 0.004, centre[1] + 0.003].map((x) => x.toFixed(5)).join(',');
const streets = await call('GET', `/basemap?bbox=${box}&layer=streets`, undefined, token);
const points = streets.features
  .filter((f) => f.geometry && f.geometry.type === 'LineString')
  .map((f) => f.geometry.coordinates[Math.floor(f.geometry.coordinates.length / 2)])
  .sort((a, b) => Math.hypot(a[0] - centre[0], a[1] - centre[1]) - Math.hypot(b[0] - centre[0], b[1] - centre[1]));
if (points.length < 8) throw new Error(`only ${points.length} streets near the middle of the atlas`);

const local = new Date(Date.now() + OFFSET_H * 3600e3);
const date = local.toISOString().slice(0, 10);
const due = new Date(local.getTime() + 7 * 864e5).toISOString().slice(0, 10);
// Two places a few hundred metres apart, so the route has legs worth drawing.
const third = Math.floor(points.length / 3);
for (const p of [points[third], points[2 * third]]) {
  await call('POST', '/revisits', { team, lon: p[0], lat: p[1], mode: 'search', due }, token);
}
const profiles = await call('GET', '/profiles', undefined, token);
// A shift that began an hour ago (or at midnight), so the pair can mark it done.
const hm = (d) => d.toISOString().slice(11, 16);
const began = new Date(Math.max(local.getTime() - 3600e3, Date.parse(`${date}T00:00:00Z`)));
const ends = new Date(began.getTime() + 4 * 3600e3);
const plan = await call('POST', '/plan/day', {
  team, date, profile: profiles[0].key,
  shift: { start: hm(began), end: hm(ends), from: points[0], to: points[0] },
}, token);
const stops = plan.route.stops.length;
if (stops === 0) throw new Error(`the day plan has no stops: ${JSON.stringify(plan.route.unreachable)}`);
console.log(`seeded team ${team}: 2 revisits, day route ${plan.id} for ${date} with ${stops} stops`);
