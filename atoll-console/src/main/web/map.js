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

function box(x0, y0, x1, y1) { return { x0, y0, x1, y1 }; }

function overlaps(a, b) { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; }

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

  // Markers first (their size and place), then labels placed where they overlap nothing already
  // placed, biggest marker first; a label with no free place is left out (the marker still names
  // the site to a pointer, a screen reader and the table below the map).
  const maxCount = counts ? Math.max(1, ...Object.values(counts)) : 1;
  const marks = [];
  for (const site of located) {
    const p = projection([site.lon, site.lat]);
    if (!p) continue;
    const n = counts ? (counts[site.name] || 0) : null;
    const r = k * (counts ? (n ? 6 + 12 * Math.sqrt(n / maxCount) : 4) : 6 + 14 * load(site));
    marks.push({ site, p, n, r, text: counts && n ? `${site.name} x${n}` : site.name });
  }
  const taken = marks.map(({ p, r }) => box(p[0] - r, p[1] - r, p[0] + r, p[1] + r));
  const fontSize = 16 * k;
  for (const m of [...marks].sort((a, b) => b.r - a.r || a.site.name.localeCompare(b.site.name))) {
    const w = 0.6 * fontSize * m.text.length;
    const [x, y] = m.p; const gap = m.r + 3 * k;
    const candidates = [
      [x + gap, y + fontSize * 0.35, 'start'], [x - gap, y + fontSize * 0.35, 'end'],
      [x, y - gap - 2 * k, 'middle'], [x, y + gap + fontSize * 0.8, 'middle'],
      [x + gap, y - fontSize * 0.5, 'start'], [x + gap, y + fontSize * 1.1, 'start'],
      [x - gap, y - fontSize * 0.5, 'end'], [x - gap, y + fontSize * 1.1, 'end'],
    ];
    for (const [lx, ly, anchor] of candidates) {
      const left = anchor === 'start' ? lx : anchor === 'end' ? lx - w : lx - w / 2;
      const b = box(left, ly - fontSize * 0.8, left + w, ly + fontSize * 0.2);
      if (b.x0 < 2 || b.x1 > WIDTH - 2 || b.y0 < 2 || b.y1 > HEIGHT - 2) continue;
      if (taken.some((t) => overlaps(t, b))) continue;
      taken.push(b);
      m.label = { x: lx, y: ly, anchor };
      break;
    }
  }

  // Links: one per pair of sites (measured over estimated, then the lower RTT of the two
  // directions). With many sites only some are drawn, so the map stays readable; the table below
  // the map lists them all.
  const pairs = new Map();
  for (const l of links) {
    if (!byName.has(l.from) || !byName.has(l.to) || l.from === l.to) continue;
    const key = [l.from, l.to].sort().join('|');
    const known = pairs.get(key);
    if (!known || (l.measured && !known.measured) || (l.measured === known.measured && l.rttMs < known.rttMs)) pairs.set(key, l);
  }
  let shown = [...pairs.values()];
  if (located.length > 8) {
    // The shortest links that join every site (a minimum spanning tree by RTT), and each site's
    // nearest: few lines, and no site drawn apart from the rest.
    const keep = new Set();
    const parent = new Map(located.map((x) => [x.name, x.name]));
    const root = (x) => { while (parent.get(x) !== x) x = parent.get(x); return x; };
    for (const l of [...shown].sort((a, b) => a.rttMs - b.rttMs)) {
      const [ra, rb] = [root(l.from), root(l.to)];
      if (ra !== rb) { parent.set(ra, rb); keep.add(l); }
    }
    for (const site of located) {
      const nearest = shown.filter((l) => l.from === site.name || l.to === site.name)
        .sort((a, b) => a.rttMs - b.rttMs)[0];
      if (nearest) keep.add(nearest);
    }
    shown = shown.filter((l) => keep.has(l));
  }
  const linkGroup = s('g', { class: 'links', 'aria-hidden': 'true' });
  for (const l of shown) {
    const a = byName.get(l.from); const b = byName.get(l.to);
    const line = { type: 'LineString', coordinates: [[a.lon, a.lat], [b.lon, b.lat]] };
    const text = `${l.from} – ${l.to}: ${Math.round(l.rttMs)} ms${l.measured ? '' : ' (estimated)'}`;
    linkGroup.append(s('path', { class: `link${l.measured ? ' measured' : ''}`, d: path(line) }, s('title', { text })));
    // Its RTT halfway along the arc, or a little off it, where it overlaps nothing; else none.
    const along = geoInterpolate([a.lon, a.lat], [b.lon, b.lat]);
    const rtt = `${Math.round(l.rttMs)} ms`;
    const lw = 0.6 * 12 * k * rtt.length;
    for (const t of [0.5, 0.4, 0.6, 0.3, 0.7]) {
      const q = projection(along(t));
      if (!q) continue;
      const b = box(q[0] - lw / 2, q[1] - 3 * k - 12 * k * 0.8, q[0] + lw / 2, q[1] - 3 * k + 12 * k * 0.2);
      if (b.x0 < 2 || b.x1 > WIDTH - 2 || b.y0 < 2 || b.y1 > HEIGHT - 2 || taken.some((u) => overlaps(u, b))) continue;
      taken.push(b);
      linkGroup.append(s('text', { class: 'link-label', 'font-size': 12 * k, x: q[0].toFixed(1), y: (q[1] - 3 * k).toFixed(1), text: rtt }));
      break;
    }
  }
  svg.append(linkGroup);

  const markers = s('g', { class: 'sites' });
  for (const { site, p, n, r, text, label: at } of marks) {
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
    if (at) {
      g.append(s('text', {
        class: 'site-label', 'font-size': fontSize, x: at.x.toFixed(1), y: at.y.toFixed(1), 'text-anchor': at.anchor, text,
      }));
    }
    markers.append(g);
  }
  svg.append(markers);
  return svg;
}
