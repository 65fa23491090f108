// The world map: land from world-atlas (Natural Earth 1:110m, bundled), sites as markers sized by
// load (or by a count, e.g. an environment's replicas there) and coloured by health, links between
// sites with their round trip. Every marker is a link reachable with Tab and Enter.
import { geoNaturalEarth1, geoPath, geoInterpolate, geoGraticule10 } from 'd3-geo';
import { feature } from 'topojson-client';
import land110 from 'world-atlas/land-110m.json';
import { s } from './dom.js';

const WIDTH = 960;
let HEIGHT = 480;
const land = feature(land110, land110.objects.land);

/** The share of a site's cpu (or memory, whichever is fuller) that is allocated, 0..1. */
export function load(site) {
  const c = site.capacity || {}; const a = site.allocated || {};
  const cpu = c.cpuMillis ? (a.cpuMillis || 0) / c.cpuMillis : 0;
  const mem = c.memoryBytes ? (a.memoryBytes || 0) / c.memoryBytes : 0;
  return Math.max(0, Math.min(1, Math.max(cpu, mem)));
}

/**
 * The whole world, or the part around the sites when they are close together (three sites in
 * Europe are not three dots on one pixel): fitted to the sites with a margin, never closer than
 * about a sixth of the world's width.
 */
function fitted(sites, phone) {
  const world = geoNaturalEarth1().fitExtent([[8, 8], [WIDTH - 8, HEIGHT - 8]], { type: 'Sphere' });
  if (sites.length < 2) {
    HEIGHT = 480;
    return geoNaturalEarth1().fitExtent([[8, 8], [WIDTH - 8, HEIGHT - 8]], { type: 'Sphere' });
  }
  const points = { type: 'MultiPoint', coordinates: sites.map((x) => [x.lon, x.lat]) };
  const margin = phone ? 170 : 140;
  const near = geoNaturalEarth1().fitExtent([[margin, 90], [WIDTH - margin, HEIGHT - 70]], points);
  if (near.scale() <= world.scale()) {
    // The sites span the world: the whole sphere, as wide as the frame, no taller than it needs.
    HEIGHT = 480;
    return geoNaturalEarth1().fitExtent([[8, 8], [WIDTH - 8, HEIGHT - 8]], { type: 'Sphere' });
  }
  const maxScale = world.scale() * 6;
  if (near.scale() > maxScale) {
    const [x, y] = near.translate();
    const k = maxScale / near.scale();
    near.scale(maxScale).translate([WIDTH / 2 + (x - WIDTH / 2) * k, HEIGHT / 2 + (y - HEIGHT / 2) * k]);
  }
  return near;
}

/**
 * @param sites the API's SiteViews
 * @param links SiteLinks (from, to, rttMs, measured); each pair is drawn once
 * @param counts optional {site: n}: markers sized by n and labelled "xn" instead of by load
 * @param navigate called with a path when a marker is chosen
 * @param compact drawn in a column beside other content: larger marks and labels
 */
export function worldMap({ sites, links = [], counts = null, navigate, label = 'World map of the sites', compact = false }) {
  // On a phone the map is drawn at a third of its size: taller, with larger marks and labels.
  const phone = typeof matchMedia === 'function' && matchMedia('(max-width: 640px)').matches;
  const k = phone ? 2.2 : compact ? 1.4 : 1;
  HEIGHT = phone ? 640 : 480;
  const located = sites.filter((x) => Number.isFinite(x.lat) && Number.isFinite(x.lon) && !(x.lat === 0 && x.lon === 0));
  const projection = fitted(located, phone);
  const path = geoPath(projection);
  const byName = new Map(located.map((x) => [x.name, x]));

  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'world', role: 'group', 'aria-label': label });
  svg.append(s('path', { class: 'sphere', d: path({ type: 'Sphere' }) }));
  svg.append(s('path', { class: 'graticule', d: path(geoGraticule10()) }));
  svg.append(s('path', { class: 'land', d: path(land) }));

  // Links: one per pair of sites (the lower RTT of the two directions if both sides report one).
  const pairs = new Map();
  for (const l of links) {
    if (!byName.has(l.from) || !byName.has(l.to)) continue;
    const key = [l.from, l.to].sort().join('|');
    const known = pairs.get(key);
    if (!known || (l.measured && !known.measured) || (l.measured === known.measured && l.rttMs < known.rttMs)) pairs.set(key, l);
  }
  const labelLinks = pairs.size <= 12;
  const placed = located.map((x) => projection([x.lon, x.lat])).filter(Boolean);
  const linkGroup = s('g', { class: 'links', 'aria-hidden': 'true' });
  for (const l of pairs.values()) {
    const a = byName.get(l.from); const b = byName.get(l.to);
    const line = { type: 'LineString', coordinates: [[a.lon, a.lat], [b.lon, b.lat]] };
    const text = `${l.from} – ${l.to}: ${Math.round(l.rttMs)} ms${l.measured ? '' : ' (estimated)'}`;
    linkGroup.append(s('path', { class: `link${l.measured ? ' measured' : ''}`, d: path(line) }, s('title', { text })));
    if (labelLinks) {
      // Halfway along the arc, or a little off it when another label is already near there.
      const along = geoInterpolate([a.lon, a.lat], [b.lon, b.lat]);
      const spots = [0.5, 0.35, 0.65, 0.25, 0.75].map((t) => projection(along(t))).filter(Boolean);
      const spot = spots.find((p) => placed.every((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) > 36 * k)) || spots[0];
      if (spot) {
        placed.push(spot);
        linkGroup.append(s('text', { class: 'link-label', 'font-size': 12 * k, x: spot[0].toFixed(1), y: (spot[1] - 3 * k).toFixed(1), text: `${Math.round(l.rttMs)} ms` }));
      }
    }
  }
  svg.append(linkGroup);

  const markers = s('g', { class: 'sites' });
  const maxCount = counts ? Math.max(1, ...Object.values(counts)) : 1;
  const positions = new Map(located.map((x) => [x.name, projection([x.lon, x.lat])]));
  for (const site of located) {
    const p = positions.get(site.name);
    if (!p) continue;
    const n = counts ? (counts[site.name] || 0) : null;
    // A label goes to the left when another site sits just to the right of this one.
    // It goes below, ending at the marker, when it would run past the right edge of the map.
    const text = counts && n ? `${site.name} x${n}` : site.name;
    const atEdge = p[0] + 0.62 * 16 * k * text.length + 20 * k > WIDTH;
    const crowded = [...positions.entries()].some(([other, q]) => other !== site.name && q
      && q[0] - p[0] >= 0 && q[0] - p[0] < 130 * k && Math.abs(q[1] - p[1]) < 24 * k);
    const r = k * (counts ? (n ? 6 + 12 * Math.sqrt(n / maxCount) : 4) : 6 + 14 * load(site));
    const health = site.health || 'unknown';
    const desc = counts
      ? `${site.name}: ${n} replica${n === 1 ? '' : 's'}, site ${health}`
      : `${site.name}: ${health}, load ${Math.round(load(site) * 100)}%, ${site.nodes} nodes, ${site.instances} instances`;
    const go = () => navigate && navigate(`/sites/${encodeURIComponent(site.name)}`);
    const g = s('a', {
      class: `site health-${health.replace(/[^a-z-]/g, '')}${counts && !n ? ' none' : ''}`,
      href: `/sites/${encodeURIComponent(site.name)}`,
      'aria-label': desc,
      'data-site': site.name,
      onclick: (e) => { e.preventDefault(); go(); },
    });
    g.append(s('title', { text: desc }));
    g.append(s('circle', { cx: p[0].toFixed(1), cy: p[1].toFixed(1), r: r.toFixed(1) }));
    g.append(s('text', {
      class: 'site-label',
      'font-size': 16 * k,
      x: (atEdge ? Math.min(p[0] + r, WIDTH - 4) : crowded ? p[0] - r - 3 * k : p[0] + r + 3 * k).toFixed(1),
      y: (atEdge ? p[1] + r + 15 * k : p[1] + 5 * k).toFixed(1),
      'text-anchor': atEdge || crowded ? 'end' : 'start',
      text,
    }));
    markers.append(g);
  }
  svg.append(markers);
  return svg;
}
