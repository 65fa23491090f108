// The Atoll web console: a small router over the REST API. Each page renders from the API and
// renders again (debounced) when the event stream says something changed.
import { ApiError, EventFeed, del, get, onTokenNeeded, postJson, setToken, stream, token } from './api.js';
import { badge, cpu, h, memory, resources, table, when } from './dom.js';
import { load, worldMap } from './map.js';
import { deployPage } from './deploy.js';

const main = document.getElementById('main');
const feed = new EventFeed();
let pageCleanup = [];

export function announce(text) {
  const el = document.getElementById('announce');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 30);
}

// --- token -------------------------------------------------------------------------------------
const dialog = document.getElementById('token-dialog');
function askToken(why) {
  return new Promise((resolve) => {
    document.getElementById('token-why').textContent = `${why || 'Set the API token.'} Paste one made with "atoll token create" ("atoll dev" prints an admin token).`;
    const input = document.getElementById('token-input');
    input.value = token();
    const done = () => {
      dialog.removeEventListener('close', done);
      if (dialog.returnValue === 'save') { setToken(input.value.trim()); resolve(!!input.value.trim()); }
      else if (dialog.returnValue === 'clear') { setToken(''); resolve(false); }
      else resolve(false);
    };
    dialog.addEventListener('close', done);
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
  });
}
onTokenNeeded(askToken);
document.getElementById('token-button').addEventListener('click', async () => {
  if (await askToken('')) render();
});

// --- routing -----------------------------------------------------------------------------------
export function navigate(path) {
  if (path !== location.pathname + location.search) history.pushState({}, '', path);
  render({ focus: true });
}

document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a[href^="/"]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
  if (a.getAttribute('href').startsWith('/v1/')) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', () => render({ focus: true }));

const routes = [
  [/^\/$/, mapPage],
  [/^\/environments\/?$/, environmentsPage],
  [/^\/environments\/([^/]+)$/, environmentPage],
  [/^\/instances\/?$/, instancesPage],
  [/^\/instances\/([^/]+)$/, instancePage],
  [/^\/sites\/?$/, sitesPage],
  [/^\/sites\/([^/]+)$/, sitePage],
  [/^\/nodes\/?$/, nodesPage],
  [/^\/networks\/?$/, networksPage],
  [/^\/images\/?$/, imagesPage],
  [/^\/deploy\/?$/, (ctx) => deployPage(ctx)],
];

let renderSeq = 0;
async function render({ focus = false } = {}) {
  for (const fn of pageCleanup) fn();
  pageCleanup = [];
  const seq = ++renderSeq;
  const path = location.pathname;
  for (const a of document.querySelectorAll('header nav a')) {
    const href = a.getAttribute('href');
    const current = href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
    if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const match = routes.map(([re, page]) => [path.match(re), page]).find(([m]) => m);
  const ctx = {
    params: match ? match[0].slice(1).map(decodeURIComponent) : [],
    query: new URLSearchParams(location.search),
    feed, navigate, announce,
    cleanup: (fn) => pageCleanup.push(fn),
    stale: () => seq !== renderSeq,
  };
  try {
    const page = match ? match[1] : notFound;
    const content = await page(ctx);
    if (ctx.stale()) return;
    main.replaceChildren(content);
  } catch (e) {
    if (ctx.stale()) return;
    main.replaceChildren(errorBox(e));
  }
  if (focus) {
    const heading = main.querySelector('h1');
    document.title = `${heading ? heading.textContent : 'Atoll'} · Atoll console`;
    (heading || main).setAttribute('tabindex', '-1');
    (heading || main).focus();
  }
}

function errorBox(e) {
  const fields = e instanceof ApiError && e.errors.length
    ? h('ul', {}, e.errors.map((f) => h('li', {}, h('code', {}, f.path), `: ${f.reason}`)))
    : null;
  return h('section', { class: 'error', role: 'alert' },
    h('h1', {}, e instanceof ApiError ? `Error ${e.status}` : 'Error'),
    h('p', {}, e.message || String(e)), fields);
}

function notFound() {
  return h('section', {}, h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '/' }, 'Back to the map')));
}

/** Re-runs refresh() when events arrive (at most twice a second) and every few seconds. */
function live(ctx, refresh, { filter = () => true, everyMs = 5000 } = {}) {
  let timer = null;
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(async () => { timer = null; if (!ctx.stale()) await refresh(); }, 400);
  };
  ctx.cleanup(ctx.feed.subscribe((e) => { if (filter(e)) schedule(); }));
  const interval = setInterval(schedule, everyMs);
  ctx.cleanup(() => { clearInterval(interval); clearTimeout(timer); });
}

/** A selector that finds the same control again after the region is rendered anew. */
function keyOf(el) {
  if (el.hasAttribute('data-key')) return `[data-key="${CSS.escape(el.getAttribute('data-key'))}"]`;
  if (el.tagName === 'A' && el.getAttribute('href')) return `a[href="${CSS.escape(el.getAttribute('href'))}"]`;
  return null;
}

/** A region of the page that renders again from fresh data without moving focus. */
function region(ctx, build, opts) {
  const box = h('div', { class: 'region' });
  const fill = async () => {
    try {
      const content = await build();
      if (ctx.stale()) return;
      // Nothing changed: keep the page as it is (focus, what the user is typing, scroll).
      if (box.firstElementChild && box.firstElementChild.outerHTML === content.outerHTML) return;
      const active = document.activeElement;
      const key = active && box.contains(active) ? keyOf(active) : null;
      // Values the user typed and has not sent yet survive the refresh.
      const typed = [...box.querySelectorAll('input[data-dirty]')].map((i) => [i.getAttribute('data-key'), i.value]);
      box.replaceChildren(content);
      for (const [k, v] of typed) {
        const input = box.querySelector(`input[data-key="${CSS.escape(k)}"]`);
        if (input) { input.value = v; input.setAttribute('data-dirty', ''); }
      }
      if (key) box.querySelector(key)?.focus();
    } catch (e) {
      box.replaceChildren(errorBox(e));
    }
  };
  box.addEventListener('input', (e) => { if (e.target.matches('input[data-key]')) e.target.setAttribute('data-dirty', ''); });
  live(ctx, fill, opts);
  return fill().then(() => box);
}

// --- pages ----------------------------------------------------------------------------------------
async function mapPage(ctx) {
  const body = await region(ctx, async () => {
    const [sites, links, nodes] = await Promise.all([get('/v1/sites'), get('/v1/links'), get('/v1/nodes')]);
    const healthy = sites.filter((x) => x.health === 'healthy').length;
    return h('div', {},
      h('p', { class: 'lead' }, `${sites.length} sites (${healthy} healthy), ${nodes.length} nodes, ${sites.reduce((n, x) => n + x.instances, 0)} instances. Markers are sized by load and coloured by health; lines show round trips.`),
      h('figure', { class: 'map' }, worldMap({ sites, links, navigate }),
        h('figcaption', {}, legend())),
      sitesTable(sites),
      linksTable(links));
  }, { filter: (e) => /site|node|instance/.test(e.type || '') });
  return h('section', {}, h('h1', {}, 'Cloud map'), body);
}

function legend() {
  return h('ul', { class: 'legend' },
    h('li', {}, h('span', { class: 'dot health-healthy' }), 'healthy'),
    h('li', {}, h('span', { class: 'dot health-degraded' }), 'degraded'),
    h('li', {}, h('span', { class: 'dot health-unreachable' }), 'unreachable'),
    h('li', {}, h('span', { class: 'line measured' }), 'measured RTT'),
    h('li', {}, h('span', { class: 'line' }), 'estimated RTT'));
}

function sitesTable(sites) {
  return table('Sites', ['Site', 'Health', 'Country', 'Jurisdiction', 'Nodes', 'Instances', 'Load', 'Capacity', 'Allocated'],
    sites.map((x) => [
      h('a', { href: `/sites/${encodeURIComponent(x.name)}` }, x.name), badge(x.health), x.country, x.jurisdiction,
      String(x.nodes), String(x.instances), `${Math.round(load(x) * 100)}%`, resources(x.capacity), resources(x.allocated)]));
}

function linksTable(links) {
  return h('details', { class: 'links-table' }, h('summary', {}, `Round trips between sites (${links.length})`),
    table('Round trips', ['From', 'To', 'RTT', 'How'],
      links.map((l) => [l.from, l.to, `${l.rttMs.toFixed(1)} ms`, l.measured ? 'measured' : 'estimated'])));
}

async function environmentsPage(ctx) {
  const body = await region(ctx, async () => {
    const envs = await get('/v1/environments');
    return table('Environments', ['Name', 'Status', 'Services', 'Replicas', 'Home', 'Version'],
      envs.map((e) => [
        h('a', { href: `/environments/${encodeURIComponent(e.name)}` }, e.name), badge(e.status),
        e.services.map((x) => x.name).join(', '),
        `${e.services.reduce((n, x) => n + x.running, 0)} / ${e.services.reduce((n, x) => n + x.desired, 0)}`,
        e.homeSite, String(e.version)]),
      { empty: 'No environments yet. Deploy one.' });
  }, { filter: (e) => !!e.environment });
  return h('section', {}, h('div', { class: 'heading-row' }, h('h1', {}, 'Environments'),
    h('a', { href: '/deploy', class: 'button primary' }, 'Deploy an environment')), body);
}

async function environmentPage(ctx) {
  const [name] = ctx.params;
  const path = `/v1/environments/${encodeURIComponent(name)}`;
  const status = h('p', { class: 'action-status', role: 'status', 'aria-live': 'polite' });
  const events = h('ol', { class: 'events', 'aria-label': `Events of ${name}` });
  const recent = await get('/v1/events?watch=false&limit=200').catch(() => []);
  const addEvent = (e) => {
    if (e.environment !== name) return;
    events.prepend(h('li', {}, h('time', {}, when(e.time)), ' ', badge(e.type, 'event'), ' ', e.instance ? `${e.instance}: ` : '', e.message));
    while (events.children.length > 50) events.lastChild.remove();
  };
  recent.forEach(addEvent);
  ctx.cleanup(ctx.feed.subscribe(addEvent));

  const act = async (label, fn) => {
    status.textContent = `${label}…`;
    try {
      const r = await fn();
      status.textContent = `${label}: ${r?.outcome || 'done'}.`;
      announce(status.textContent);
    } catch (e) {
      status.textContent = `${label} failed: ${e.message}`;
      announce(status.textContent);
    }
  };

  const body = await region(ctx, async () => {
    const [env, instances, sites] = await Promise.all([
      get(path), get(`/v1/instances?environment=${encodeURIComponent(name)}`), get('/v1/sites')]);
    const counts = {};
    for (const i of instances) if (i.site) counts[i.site] = (counts[i.site] || 0) + 1;
    return h('div', {},
      h('dl', { class: 'facts' },
        h('dt', {}, 'Status'), h('dd', { id: 'env-status' }, badge(env.status)),
        h('dt', {}, 'Home site'), h('dd', {}, env.homeSite),
        h('dt', {}, 'Version'), h('dd', {}, String(env.version)),
        h('dt', {}, 'Tenant'), h('dd', {}, env.tenant)),
      h('div', { class: 'split' },
        h('div', {}, h('h2', {}, 'Services'),
          h('div', { class: 'services' }, env.services.map((svc) => serviceCard(env, svc, act)))),
        h('div', {}, h('h2', {}, 'Instances per site'),
          h('figure', { class: 'map' }, worldMap({ sites, counts, navigate, label: `Replicas of ${name} per site`, compact: true })))),
      h('h2', {}, 'Instances'),
      instancesTable(instances));
  }, { filter: (e) => e.environment === name || /site/.test(e.type || ''), everyMs: 3000 });

  const deleteButton = h('button', {
    type: 'button', class: 'danger', 'data-key': 'delete',
    onclick: async () => {
      if (!await confirmDialog(`Delete environment ${name}?`, `Every instance of ${name} is stopped and its spec is forgotten. This cannot be undone.`, `Delete ${name}`)) return;
      await act(`Deleting ${name}`, () => del(path));
    },
  }, `Delete ${name}`);
  return h('section', {},
    h('div', { class: 'heading-row' }, h('h1', {}, `Environment ${name}`),
      h('div', { class: 'actions' }, h('a', { class: 'button', href: `/deploy?from=${encodeURIComponent(name)}` }, 'Edit spec'), deleteButton)),
    status, body, h('h2', {}, 'Events'), events);
}

/** A modal question with Cancel focused first, so Enter alone never destroys anything. */
function confirmDialog(title, text, yes) {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'submit', value: 'cancel', id: 'confirm-cancel' }, 'Cancel');
    const ok = h('button', { type: 'submit', value: 'yes', class: 'danger', id: 'confirm-yes' }, yes);
    const dlg = h('dialog', { 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text', class: 'confirm' },
      h('form', { method: 'dialog' }, h('h2', { id: 'confirm-title' }, title), h('p', { id: 'confirm-text' }, text),
        h('div', { class: 'actions' }, cancel, ok)));
    const opener = document.activeElement;
    dlg.addEventListener('close', () => {
      resolve(dlg.returnValue === 'yes');
      dlg.remove();
      if (opener && opener.isConnected) opener.focus();
    });
    document.body.append(dlg);
    dlg.showModal();
    cancel.focus();
  });
}

function serviceCard(env, svc, act) {
  const inputId = `replicas-${svc.name}`;
  const input = h('input', { id: inputId, type: 'number', min: '0', max: '1000', value: String(svc.desired), inputmode: 'numeric', 'data-key': `replicas-${svc.name}` });
  const base = `/v1/environments/${encodeURIComponent(env.name)}/services/${encodeURIComponent(svc.name)}`;
  const form = h('form', {
    class: 'scale',
    onsubmit: async (e) => {
      e.preventDefault();
      const field = e.target.querySelector('input');
      const n = Number(field.value);
      field.removeAttribute('data-dirty');
      await act(`Scaling ${svc.name} to ${n}`, () => postJson(`${base}/scale`, { replicas: n }));
    },
  }, h('label', { for: inputId }, `Replicas of ${svc.name}`), input,
  h('button', { type: 'submit', 'data-key': `scale-${svc.name}` }, 'Scale'));
  const restart = h('button', {
    type: 'button', 'data-key': `restart-${svc.name}`,
    onclick: () => act(`Rolling restart of ${svc.name}`, () => postJson(`${base}/restart`, {})),
  }, `Rolling restart of ${svc.name}`);
  const pct = svc.desired ? Math.round((100 * svc.running) / svc.desired) : 100;
  return h('article', { class: 'service', 'aria-label': `Service ${svc.name}` },
    h('h3', {}, svc.name),
    h('p', {}, h('progress', { max: String(Math.max(svc.desired, 1)), value: String(Math.min(svc.running, Math.max(svc.desired, 1))), 'aria-label': `${svc.running} of ${svc.desired} running` }),
      ` ${svc.running} of ${svc.desired} running, ${svc.updated} updated (${pct}%)`),
    svc.message ? h('p', { class: 'message' }, svc.message) : null,
    form, restart);
}

function instancesTable(instances) {
  return table('Instances', ['Instance', 'State', 'Site', 'Node', 'Ports', 'Restarts', 'Generation', 'Message'],
    instances.map((i) => [
      h('a', { href: `/instances/${encodeURIComponent(i.id)}` }, i.id), badge(i.state), i.site, i.node,
      Object.entries(i.ports || {}).map(([k, v]) => `${k}=${v}`).join(' '), String(i.restarts), String(i.generation), i.message || '']),
    { empty: 'No instances.' });
}

async function instancesPage(ctx) {
  const body = await region(ctx, async () => instancesTable(await get('/v1/instances')), { filter: (e) => !!e.instance || !!e.environment });
  return h('section', {}, h('h1', {}, 'Instances'), body);
}

async function instancePage(ctx) {
  const [id] = ctx.params;
  const details = await region(ctx, async () => {
    const all = await get('/v1/instances');
    const i = all.find((x) => x.id === id);
    if (!i) return h('p', {}, 'This instance is not running now.');
    return h('dl', { class: 'facts' },
      h('dt', {}, 'State'), h('dd', {}, badge(i.state)),
      h('dt', {}, 'Environment'), h('dd', {}, h('a', { href: `/environments/${encodeURIComponent(i.environment)}` }, i.environment)),
      h('dt', {}, 'Site'), h('dd', {}, i.site), h('dt', {}, 'Node'), h('dd', {}, i.node),
      h('dt', {}, 'Ports'), h('dd', {}, Object.entries(i.ports || {}).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'),
      h('dt', {}, 'Restarts'), h('dd', {}, String(i.restarts)),
      h('dt', {}, 'Generation'), h('dd', {}, String(i.generation)),
      h('dt', {}, 'Message'), h('dd', {}, i.message || ''));
  }, { filter: (e) => e.instance === id });
  const log = h('pre', { class: 'log', tabindex: '0', 'aria-label': `Log of ${id}`, 'aria-live': 'off' });
  const state = h('p', { class: 'log-state', role: 'status' }, 'Streaming the log…');
  const controller = new AbortController();
  ctx.cleanup(() => controller.abort());
  const follow = h('input', { type: 'checkbox', id: 'follow-log', checked: true });
  stream(`/v1/instances/${encodeURIComponent(id)}/logs?follow=true`, (chunk) => {
    log.append(chunk);
    if (log.textContent.length > 500000) log.textContent = log.textContent.slice(-400000);
    if (follow.checked) log.scrollTop = log.scrollHeight;
  }, controller.signal).then(() => { state.textContent = 'The log stream ended.'; })
    .catch((e) => { if (!controller.signal.aborted) state.textContent = `No log: ${e.message}`; });
  return h('section', {}, h('h1', {}, `Instance ${id}`), details,
    h('h2', {}, 'Log'), h('p', {}, follow, h('label', { for: 'follow-log' }, ' Keep the newest lines in view')), state, log);
}

async function sitesPage(ctx) {
  const body = await region(ctx, async () => {
    const [sites, links] = await Promise.all([get('/v1/sites'), get('/v1/links')]);
    return h('div', {}, sitesTable(sites), linksTable(links));
  }, { filter: (e) => /site|node/.test(e.type || '') });
  return h('section', {}, h('h1', {}, 'Sites'), body);
}

async function sitePage(ctx) {
  const [name] = ctx.params;
  const body = await region(ctx, async () => {
    const [sites, nodes, links, instances] = await Promise.all([
      get('/v1/sites'), get(`/v1/nodes?site=${encodeURIComponent(name)}`), get('/v1/links'), get(`/v1/instances?site=${encodeURIComponent(name)}`)]);
    const site = sites.find((x) => x.name === name);
    if (!site) return h('p', {}, `No site named ${name}.`);
    return h('div', {},
      h('dl', { class: 'facts' },
        h('dt', {}, 'Health'), h('dd', {}, badge(site.health)),
        h('dt', {}, 'Where'), h('dd', {}, `${site.country} (${site.jurisdiction}), ${site.lat.toFixed(2)}, ${site.lon.toFixed(2)}`),
        h('dt', {}, 'Leader'), h('dd', {}, site.leader || ''),
        h('dt', {}, 'Capacity'), h('dd', {}, resources(site.capacity)),
        h('dt', {}, 'Allocated'), h('dd', {}, `${resources(site.allocated)} (${Math.round(load(site) * 100)}%)`),
        h('dt', {}, 'Tags'), h('dd', {}, (site.tags || []).join(', ') || 'none')),
      h('h2', {}, 'Nodes'), nodesTable(nodes),
      h('h2', {}, 'Round trips'), table('Round trips from and to this site', ['From', 'To', 'RTT', 'How'],
        links.filter((l) => l.from === name || l.to === name).map((l) => [l.from, l.to, `${l.rttMs.toFixed(1)} ms`, l.measured ? 'measured' : 'estimated'])),
      h('h2', {}, 'Instances'), instancesTable(instances));
  }, { filter: (e) => e.site === name });
  return h('section', {}, h('h1', {}, `Site ${name}`), body);
}

function nodesTable(nodes) {
  return table('Nodes', ['Node', 'Site', 'State', 'CPU (allocated / capacity)', 'Memory (allocated / capacity)', 'Instances / slots', 'Drivers', 'Tags'],
    nodes.map((n) => [n.name, n.site, badge(n.state),
      `${cpu(n.allocated.cpuMillis)} / ${cpu(n.capacity.cpuMillis)}`, `${memory(n.allocated.memoryBytes)} / ${memory(n.capacity.memoryBytes)}`,
      `${n.instances} / ${n.instanceSlots}`,
      (n.drivers || []).map((d) => (n.driverDetails && n.driverDetails[d] ? `${d} (${n.driverDetails[d]})` : d)).join(', '),
      (n.tags || []).join(', ')]));
}

async function nodesPage(ctx) {
  const body = await region(ctx, async () => nodesTable(await get('/v1/nodes')), { filter: (e) => /node/.test(e.type || '') });
  return h('section', {}, h('h1', {}, 'Nodes'), body);
}

async function networksPage(ctx) {
  const body = await region(ctx, async () => {
    const nets = await get('/v1/networks');
    return table('Networks', ['Network', 'Subnet', 'Sites', 'Members'],
      nets.map((n) => [n.name, n.subnet || '', (n.sites || []).join(', '), String((n.members || []).length)]),
      { empty: 'No tenant networks have members now.' });
  });
  return h('section', {}, h('h1', {}, 'Networks'), body);
}

async function imagesPage(ctx) {
  const body = await region(ctx, async () => {
    const images = await get('/v1/images');
    return table('Images', ['Names', 'Digest', 'Size', 'Sites'],
      images.map((i) => [(i.names || []).join(', '), h('code', {}, (i.digest || '').slice(0, 19)), memory(i.size), (i.sites || []).join(', ')]),
      { empty: 'No images. Import one with "atoll image import".' });
  });
  return h('section', {}, h('h1', {}, 'Images'), body);
}

// --- start ---------------------------------------------------------------------------------------
const liveLabel = document.getElementById('live');
feed.onState((st) => {
  liveLabel.textContent = st === 'live' ? 'live' : st === 'connecting' ? 'connecting…' : 'reconnecting…';
  liveLabel.className = `live ${st}`;
});
feed.start();
// A browser holds six connections per host over HTTP/1.1: a page that is left (or kept in the
// back-forward cache) must give its streams back, or later pages wait for a free connection.
window.addEventListener('pagehide', () => {
  feed.stop();
  for (const fn of pageCleanup) fn();
  pageCleanup = [];
});
window.addEventListener('pageshow', (e) => {
  if (e.persisted) { feed.start(); render(); }
});
render();
