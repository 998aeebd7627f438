// The /api-docs viewer: renders /api-docs/openapi.json (paths, methods, summaries,
// parameters, request and response schemas) with no external library.

import { h, put, clear } from './util.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function refName(ref) { return String(ref).split('/').pop(); }

function resolve(spec, s) {
  let seen = 0;
  while (s && s.$ref && seen < 10) {
    s = spec.components?.schemas?.[refName(s.$ref)] || {};
    seen += 1;
  }
  return s || {};
}

function typeText(spec, s) {
  if (!s) return 'any';
  if (s.$ref) return refName(s.$ref);
  if (s.oneOf || s.anyOf) return (s.oneOf || s.anyOf).map((x) => typeText(spec, x)).join(' | ');
  if (s.allOf) return s.allOf.map((x) => typeText(spec, x)).join(' & ');
  let t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type || 'object');
  if (t === 'array') t = `${typeText(spec, s.items)}[]`;
  if (s.format) t += ` (${s.format})`;
  if (s.nullable) t += ' | null';
  if (s.enum) t += ` ∈ {${s.enum.join(', ')}}`;
  return t;
}

function schemaTree(spec, schema, depth = 0, seen = new Set()) {
  const s = resolve(spec, schema);
  const name = schema && schema.$ref ? refName(schema.$ref) : null;
  if (name && seen.has(name)) return h('span.t', `${name} (see above)`);
  const seen2 = new Set(seen);
  if (name) seen2.add(name);
  if (s.type === 'array' && s.items) {
    return h('div', h('span.t', `array of ${typeText(spec, s.items)}`), depth < 4 ? schemaTree(spec, s.items, depth + 1, seen2) : null);
  }
  const parts = s.allOf ? s.allOf.map((x) => resolve(spec, x)) : [s];
  const props = Object.assign({}, ...parts.map((p) => p.properties || {}));
  const required = new Set(parts.flatMap((p) => p.required || []));
  if (!Object.keys(props).length) return h('span.t', typeText(spec, schema));
  return h('ul', Object.entries(props).map(([k, v]) => {
    const inner = resolve(spec, v);
    const nested = depth < 4 && ((inner.properties && Object.keys(inner.properties).length) || (inner.type === 'array' && inner.items && resolve(spec, inner.items).properties));
    return h('li', h('strong', k), required.has(k) ? h('span.r', ' *') : null, ': ', h('span.t', typeText(spec, v)),
      v.description || inner.description ? h('span.muted', ` — ${v.description || inner.description}`) : null,
      nested ? schemaTree(spec, v, depth + 1, seen2) : null);
  }));
}

function content(spec, c) {
  if (!c) return null;
  return Object.entries(c).map(([type, body]) => h('div', h('p.small.muted', type), body.schema ? h('div.schema', schemaTree(spec, body.schema)) : null));
}

function paramTable(spec, params) {
  const rows = params.map((p) => {
    const pp = p.$ref ? resolve(spec, p) : p;
    return h('tr', h('td', h('code', pp.name), pp.required ? h('span.r', ' *') : null), h('td', pp.in), h('td', typeText(spec, pp.schema)), h('td', pp.description || ''));
  });
  return [
    h('h4', 'Parameters'),
    h('div.table-wrap', h('table.table',
      h('thead', h('tr', h('th', 'Name'), h('th', 'In'), h('th', 'Type'), h('th', 'Description'))),
      h('tbody', rows))),
  ];
}

function operation(spec, path, method, op) {
  const params = [...(spec.paths[path].parameters || []), ...(op.parameters || [])];
  return h('details.op', { 'data-search': `${method} ${path} ${op.summary || ''} ${(op.tags || []).join(' ')}`.toLowerCase() },
    h('summary', h(`span.method.method-${method}`, method.toUpperCase()), h('span.op-path', path), h('span.op-summary', op.summary || '')),
    h('div.op-body',
      op.description && op.description !== op.summary ? h('p', op.description) : null,
      op.security && op.security.length ? h('p.small', 'Requires a bearer token.') : null,
      params.length ? paramTable(spec, params) : null,
      op.requestBody ? [h('h4', 'Request body'), content(spec, op.requestBody.content)] : null,
      h('h4', 'Responses'),
      Object.entries(op.responses || {}).map(([code, r]) => h('div', h('p', h('strong', code), ' ', r.description || ''), content(spec, r.content)))));
}

async function main() {
  const root = document.getElementById('docs');
  let spec;
  try {
    const res = await fetch('/api-docs/openapi.json', { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    spec = await res.json();
  } catch (e) {
    put(clear(root), h('h1', 'API documentation'), h('p.problem', { role: 'alert' }, `Could not load /api-docs/openapi.json: ${e.message}`));
    return;
  }
  const byTag = new Map();
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const m of METHODS) {
      if (!item[m]) continue;
      const tag = (item[m].tags && item[m].tags[0]) || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(spec, path, m, item[m]));
    }
  }
  const search = h('input', { type: 'search', id: 'docs-filter', placeholder: 'Filter by path, method or words' });
  const sections = [...byTag.entries()].map(([tag, ops]) => h('section', { 'aria-label': tag }, h('h2.docs-tag', tag), ops));
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    for (const d of root.querySelectorAll('details.op')) d.hidden = q && !d.dataset.search.includes(q);
    for (const s of sections) s.hidden = ![...s.querySelectorAll('details.op')].some((d) => !d.hidden);
  });
  const schemas = Object.entries(spec.components?.schemas || {});
  put(clear(root), 
    h('div.docs-head',
      h('div', h('h1', `${spec.info?.title || 'API'} `, h('span.muted.small', spec.info?.version || '')), spec.info?.description ? h('p.lede', spec.info.description) : null),
      h('div.field', h('label', { for: 'docs-filter' }, 'Filter operations'), search)),
    h('p', h('a', { href: '/' }, '← Back to the app'), ' · ', h('a', { href: '/api-docs/openapi.json' }, 'openapi.json')),
    sections,
    schemas.length ? h('section', h('h2.docs-tag', 'Schemas'), schemas.map(([name, s]) => h('details.op', h('summary', h('span.op-path', name), h('span.op-summary', s.description || '')),
      h('div.op-body', h('div.schema', schemaTree(spec, { $ref: `#/components/schemas/${name}` })))))) : null);
}

main();
