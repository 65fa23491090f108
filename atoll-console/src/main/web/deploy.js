// Deploy from the console: edit a spec, check it (errors shown at their line in the editor), see
// where its replicas would go (POST /v1/environments/preview), confirm, then watch it come up.
import { ApiError, get, postText, putText } from './api.js';
import { badge, h, when } from './dom.js';

const EXAMPLE = `apiVersion: atoll/v1
kind: Environment
metadata: {name: hello}
spec:
  services:
    web:
      driver: process
      command: [python3, -m, http.server, "\${ATOLL_PORT_HTTP}", --bind, 127.0.0.1]
      resources: {cpu: 100m, memory: 64Mi}
      ports: [http]
      health: {http: {path: /, port: http}, interval: 500ms}
      replicas: 6
      placement:
        spread: {across: site, minDomains: 3}
`;

/**
 * The line of the YAML text where a field path such as spec.services.web.resources.memory is
 * written: the deepest key of the path found by following indentation (and keys of flow mappings
 * written on one line). 0-based; -1 when not found.
 */
export function lineOfPath(text, path) {
  const keys = String(path).replace(/\[\d+\]/g, '').split('.').filter(Boolean);
  const lines = text.split('\n');
  const stack = []; // [indent, key]
  let best = -1; let bestDepth = 0;
  for (let n = 0; n < lines.length; n++) {
    const m = lines[n].match(/^(\s*)(?:-\s+)?(["']?)([^"':#{}[\],]+)\2\s*:(?:\s|$)(.*)$/);
    if (!m) continue;
    const indent = m[1].length + (lines[n].trimStart().startsWith('- ') ? 2 : 0);
    while (stack.length && stack[stack.length - 1][0] >= indent) stack.pop();
    stack.push([indent, m[3].trim()]);
    const here = stack.map((x) => x[1]);
    let depth = 0;
    while (depth < here.length && depth < keys.length && here[depth] === keys[depth]) depth++;
    if (depth !== here.length) continue;
    // Keys of a flow mapping on this line: {name: hello, tenant: a}
    let rest = m[4];
    while (depth < keys.length && rest && new RegExp(`[{,]\\s*["']?${keys[depth].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`).test(rest)) {
      depth++;
      rest = rest.slice(rest.search(/:/) + 1);
    }
    if (depth > bestDepth) { best = n; bestDepth = depth; }
  }
  return best;
}

export async function deployPage(ctx) {
  let text = EXAMPLE;
  const from = ctx.query.get('from');
  if (from) {
    try {
      const env = await get(`/v1/environments/${encodeURIComponent(from)}`);
      const spec = env.spec;
      text = typeof spec === 'string' ? spec : toYaml(spec);
    } catch (e) { /* keep the example; the check will say what is wrong */ }
  }

  const editor = h('textarea', {
    id: 'spec', name: 'spec', spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off',
    rows: '22', 'aria-describedby': 'spec-help spec-errors', wrap: 'off',
  });
  editor.value = text;
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  // Behind the (transparent) text area: the lines again, invisible, with each field error's line
  // tinted and its reason written after it, so the error shows where the field is written.
  const marks = h('pre', { class: 'marks', 'aria-hidden': 'true' });
  const errors = h('div', { id: 'spec-errors', class: 'field-errors', role: 'alert' });
  const preview = h('section', { id: 'preview', class: 'preview', 'aria-live': 'polite', 'aria-labelledby': 'preview-title' });
  const progress = h('section', { id: 'progress', class: 'progress', 'aria-live': 'polite' });
  let lastPreview = null;
  let errorLines = new Map();

  const paintGutter = () => {
    const count = editor.value.split('\n').length;
    const frag = [];
    for (let i = 0; i < count; i++) {
      frag.push(h('span', { class: errorLines.has(i) ? 'bad' : '', title: errorLines.get(i) || null }, String(i + 1)));
    }
    gutter.replaceChildren(...frag);
    marks.replaceChildren(...editor.value.split('\n').map((line, i) => (errorLines.has(i)
      ? h('span', { class: 'bad' }, line, h('span', { class: 'inline-error' }, `  \u2190 ${errorLines.get(i)}`), '\n')
      : `${line}\n`)));
    syncScroll();
  };
  const syncScroll = () => {
    gutter.scrollTop = editor.scrollTop;
    marks.scrollTop = editor.scrollTop;
    marks.scrollLeft = editor.scrollLeft;
  };
  editor.addEventListener('scroll', syncScroll);
  editor.addEventListener('input', () => {
    lastPreview = null; deployButton.disabled = true;
    preview.replaceChildren();
    paintGutter();
  });

  const goToLine = (line) => {
    const lines = editor.value.split('\n');
    const start = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
    editor.focus();
    editor.setSelectionRange(start, start + (lines[line] || '').length);
    const lineHeight = editor.scrollHeight / Math.max(lines.length, 1);
    editor.scrollTop = Math.max(0, lineHeight * line - editor.clientHeight / 3);
  };

  const showErrors = (e) => {
    errorLines = new Map();
    const list = e.errors || [];
    editor.setAttribute('aria-invalid', list.length || e ? 'true' : 'false');
    const items = list.map((f) => {
      const line = lineOfPath(editor.value, f.path);
      if (line >= 0) errorLines.set(line, errorLines.has(line) ? `${errorLines.get(line)}; ${f.reason}` : f.reason);
      return h('li', { class: 'field-error', 'data-path': f.path },
        line >= 0 ? h('button', { type: 'button', class: 'link', onclick: () => goToLine(line) }, `Line ${line + 1}`) : null,
        ' ', h('code', {}, f.path), `: ${f.reason}`);
    });
    errors.replaceChildren(h('p', {}, h('strong', {}, 'The spec cannot be deployed: '), e.message || ''),
      items.length ? h('ul', {}, items) : null);
    paintGutter();
  };
  const clearErrors = () => {
    errorLines = new Map();
    editor.setAttribute('aria-invalid', 'false');
    errors.replaceChildren();
    paintGutter();
  };

  const check = async () => {
    progress.replaceChildren();
    preview.replaceChildren(h('p', {}, 'Working out where the replicas would go…'));
    try {
      const p = await postText('/v1/environments/preview', editor.value);
      clearErrors();
      lastPreview = p;
      preview.replaceChildren(renderPreview(p));
      deployButton.disabled = !p.placeable;
      ctx.announce(p.placeable ? `Preview ready: ${p.services.map((x) => x.summary).join('; ')}` : 'Some replicas would not fit; see the preview.');
      preview.scrollIntoView({ block: 'nearest' });
      if (p.placeable) deployButton.focus(); else preview.querySelector('h2')?.focus();
    } catch (e) {
      lastPreview = null;
      deployButton.disabled = true;
      preview.replaceChildren();
      if (e instanceof ApiError && e.status === 400) {
        showErrors(e);
        ctx.announce(`The spec has ${e.errors.length || 'some'} error${e.errors.length === 1 ? '' : 's'}.`);
        const first = errors.querySelector('button');
        (first || editor).focus();
      } else {
        errors.replaceChildren(h('p', {}, `Preview failed: ${e.message}`));
      }
    }
  };

  const deploy = async () => {
    if (!lastPreview) return;
    const name = lastPreview.environment;
    deployButton.disabled = true;
    progress.replaceChildren(h('h2', { tabindex: '-1' }, `Deploying ${name}`), h('p', {}, 'Sending the spec…'));
    try {
      const r = await putText(`/v1/environments/${encodeURIComponent(name)}?tenant=${encodeURIComponent(lastPreview.tenant)}`, editor.value);
      watch(ctx, name, r.outcome, progress);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) showErrors(e);
      progress.replaceChildren(h('p', { role: 'alert' }, `Deploy failed: ${e.message}`));
    }
  };

  const checkButton = h('button', { type: 'submit', class: 'primary', id: 'check' }, 'Check and preview placement');
  const deployButton = h('button', { type: 'button', id: 'confirm-deploy', disabled: true, onclick: deploy }, 'Deploy');
  paintGutter();

  const form = h('form', { onsubmit: (e) => { e.preventDefault(); check(); } },
    h('label', { for: 'spec' }, 'Environment spec (YAML or JSON)'),
    h('p', { id: 'spec-help', class: 'help' }, 'Check it first: errors are marked at their line, and the preview shows where each replica would go. Ctrl+Enter checks.'),
    h('div', { class: 'editor' }, gutter, h('div', { class: 'editor-body' }, marks, editor)),
    errors,
    h('div', { class: 'actions' }, checkButton, deployButton));
  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); }
  });
  return h('section', {}, h('h1', {}, 'Deploy an environment'),
    h('div', { class: 'split deploy' }, form, h('div', { class: 'outcome' }, preview, progress)));
}

function renderPreview(p) {
  return h('div', {},
    h('h2', { id: 'preview-title', tabindex: '-1' }, p.placeable ? 'Placement preview' : 'Placement preview: some replicas would not fit'),
    h('p', {}, p.exists
      ? `Environment ${p.environment} exists: deploying updates it; running replicas stay where they are.`
      : `Environment ${p.environment} is new (tenant ${p.tenant}).`),
    h('ul', { class: 'preview-services' }, p.services.map((svc) => h('li', { class: svc.unplaceable ? 'unplaceable' : 'placeable', 'data-service': svc.service },
      h('strong', {}, svc.service), ': ', svc.summary,
      svc.sites.length ? h('ul', { class: 'site-counts' }, svc.sites.map((x) => h('li', {}, `${x.site} x${x.replicas}`))) : null))),
    p.placeable ? h('p', {}, 'Nothing is reserved yet: press Deploy to go ahead.') : h('p', {}, 'Change the spec (or free capacity) and check again.'));
}

/** Live progress of a deploy: per service running of desired, until the environment is ready. */
function watch(ctx, name, outcome, box) {
  const title = h('h2', { tabindex: '-1' }, `Deploying ${name} (${outcome})`);
  const bars = h('div', { class: 'services' });
  const log = h('ol', { class: 'events', 'aria-label': `Events of ${name}` });
  const state = h('p', { role: 'status' }, 'Waiting for the replicas…');
  box.replaceChildren(title, state, bars, h('h3', {}, 'Events'), log);
  title.focus();
  box.scrollIntoView({ block: 'nearest' });
  let done = false;
  const refresh = async () => {
    if (done || ctx.stale()) return;
    try {
      const env = await get(`/v1/environments/${encodeURIComponent(name)}`);
      bars.replaceChildren(...env.services.map((svc) => h('p', {},
        h('label', { for: `progress-${svc.name}` }, `${svc.name}: ${svc.running} of ${svc.desired} running `),
        h('progress', { id: `progress-${svc.name}`, max: String(Math.max(svc.desired, 1)), value: String(Math.min(svc.running, svc.desired)) }))));
      state.replaceChildren('Status: ', badge(env.status));
      if (env.status === 'ready') {
        done = true;
        state.replaceChildren('Status: ', badge('ready'), ' — every replica runs. ',
          h('a', { href: `/environments/${encodeURIComponent(name)}`, id: 'open-environment' }, `Open ${name}`));
        ctx.announce(`${name} is ready`);
      }
    } catch (e) { state.textContent = `Waiting: ${e.message}`; }
  };
  ctx.cleanup(ctx.feed.subscribe((e) => {
    if (e.environment !== name) return;
    log.prepend(h('li', {}, h('time', {}, when(e.time)), ' ', badge(e.type, 'event'), ' ', e.instance ? `${e.instance}: ` : '', e.message));
    refresh();
  }));
  const timer = setInterval(refresh, 1000);
  ctx.cleanup(() => clearInterval(timer));
  refresh();
}

/** A spec as the API returns it (JSON) written back as YAML-compatible JSON lines for the editor. */
function toYaml(spec) {
  return JSON.stringify(spec, null, 2);
}
