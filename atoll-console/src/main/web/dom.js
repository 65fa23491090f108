// Small DOM helpers: elements are built with textContent (never innerHTML from data), so names and
// messages from the API cannot inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

/** A table with a caption, column headers and rows of cells (strings or nodes). */
export function table(caption, columns, rows, { empty = 'None yet.', id } = {}) {
  if (!rows.length) return h('p', { class: 'empty', id }, empty);
  // The wrapper scrolls sideways on narrow screens: focusable and named, so keys can scroll it.
  return h('div', { class: 'table-wrap', id, tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((cell, i) => (i === 0
        ? h('th', { scope: 'row' }, cell)
        : h('td', {}, cell))))))));
}

export function badge(text, kind = text) {
  return h('span', { class: `badge badge-${String(kind).replace(/[^a-z-]/gi, '')}` }, text);
}

/** "500m" cpu and "256Mi" memory from the API's numbers. */
export function cpu(millis) {
  if (millis === undefined || millis === null) return '';
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

export function memory(bytes) {
  if (bytes === undefined || bytes === null) return '';
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let v = bytes; let u = 0;
  while (v >= 1024 && u < units.length - 1 && v % 1024 === 0) { v /= 1024; u++; }
  if (v >= 1024 && u < units.length - 1) { v /= 1024; u++; return `${v.toFixed(1)}${units[u]}`; }
  return `${v}${units[u]}`;
}

export function resources(r) {
  if (!r) return '';
  return `${cpu(r.cpuMillis)} cpu, ${memory(r.memoryBytes)}`;
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleTimeString();
}
