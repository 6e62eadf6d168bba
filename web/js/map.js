// The map: MapLibre GL with a base map drawn from the atlas itself (/api/basemap: streets,
// buildings, water, parks as GeoJSON), so the viewer needs no tile server and works offline.
// No glyphs or sprites are used, so the style loads nothing from outside the server.

import * as maplibregl from '/web/vendor/maplibre-gl/maplibre-gl.mjs';
import { get, bboxParam } from './api.js';
import { guarded } from './ui.js';

const EMPTY = { type: 'FeatureCollection', features: [] };
const BASE_LAYERS = ['water', 'parks', 'buildings', 'streets'];

const STYLE = {
  version: 8,
  sources: Object.fromEntries(BASE_LAYERS.map((l) => [`base-${l}`, { type: 'geojson', data: EMPTY }])),
  layers: [
    { id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } },
    { id: 'base-water', type: 'fill', source: 'base-water', paint: { 'fill-color': '#a9cde8' } },
    { id: 'base-parks', type: 'fill', source: 'base-parks', paint: { 'fill-color': '#c8e3b4' } },
    { id: 'base-buildings', type: 'fill', source: 'base-buildings', paint: { 'fill-color': '#d9d0c5', 'fill-outline-color': '#bfb3a6' } },
    {
      id: 'base-streets',
      type: 'line',
      source: 'base-streets',
      paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1, 17, 6] },
    },
    {
      id: 'base-streets-casing',
      type: 'line',
      source: 'base-streets',
      paint: { 'line-color': '#b9b2a6', 'line-width': 0.5 },
    },
  ],
};

let map = null;
let loadedBox = null;

/** Creates the map fitted to the atlas box [w, s, e, n]; resolves when the style is loaded. */
export function createMap(bbox) {
  if (map) map.remove();
  map = new maplibregl.Map({
    container: 'map',
    style: STYLE,
    bounds: [[bbox[0], bbox[1]], [bbox[2], bbox[3]]],
    fitBoundsOptions: { padding: 10 },
    attributionControl: { compact: false, customAttribution: '© OpenStreetMap contributors' },
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl(), 'bottom-left');
  // A handle for the browser tests and for debugging from the console.
  window.feltkartMap = map;
  loadedBox = null;
  return new Promise((resolve) => {
    map.on('load', () => {
      map.on('moveend', () => guarded(loadBase));
      guarded(loadBase).then(() => resolve(map));
    });
  });
}

export const getMap = () => map;

function inside(inner, outer) {
  return outer && inner.getWest() >= outer[0] && inner.getSouth() >= outer[1]
    && inner.getEast() <= outer[2] && inner.getNorth() <= outer[3];
}

/** Loads the base layers for the view and a margin around it, unless they are loaded already. */
async function loadBase() {
  const b = map.getBounds();
  if (inside(b, loadedBox)) return;
  const dx = (b.getEast() - b.getWest()) / 2;
  const dy = (b.getNorth() - b.getSouth()) / 2;
  const box = new maplibregl.LngLatBounds(
    [b.getWest() - dx, b.getSouth() - dy],
    [b.getEast() + dx, b.getNorth() + dy],
  );
  const param = bboxParam(box);
  const layers = await Promise.all(
    BASE_LAYERS.map((l) => get(`/basemap?bbox=${param}&layer=${l}`, `Loading the base map (${l})`)),
  );
  BASE_LAYERS.forEach((l, i) => map.getSource(`base-${l}`).setData(layers[i]));
  loadedBox = param.split(',').map(Number);
}

/** Sets the data of an overlay source, adding the source and its layers the first time. */
export function overlay(id, data, layers) {
  if (map.getSource(id)) {
    map.getSource(id).setData(data || EMPTY);
    return;
  }
  map.addSource(id, { type: 'geojson', data: data || EMPTY });
  for (const layer of layers) map.addLayer({ ...layer, source: id });
}

export function clearOverlay(id) {
  if (map && map.getSource(id)) map.getSource(id).setData(EMPTY);
}

/** Fits the map to a FeatureCollection's coordinates. */
export function fitTo(fc) {
  const bounds = new maplibregl.LngLatBounds();
  const walk = (c) => (typeof c[0] === 'number' ? bounds.extend(c) : c.forEach(walk));
  for (const f of fc.features || []) if (f.geometry) walk(f.geometry.coordinates);
  if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 40, maxZoom: 17, duration: 0 });
}

export function marker(lngLat, color = '#0b6e4f') {
  return new maplibregl.Marker({ color }).setLngLat(lngLat).addTo(map);
}

export { maplibregl };
