// A list-with-dialog page for simple resources (branches, customers, items):
// filters, a paged table, and a create/edit form whose errors land on its fields.

import { h, put } from './util.js';
import { api, session } from './api.js';
import { pageHeader, pagedTable, simpleForm, openDialog, announce, field } from './components.js';

// cfg: {title, noun, path, writePerm, columns, fields(row) -> [field], body(form, row) -> object,
//       filters: [field spec], help}
export function crudPage(main, cfg) {
  const filterState = {};
  let list;
  const openForm = (row) => {
    const fields = cfg.fields(row || null);
    let dialog;
    const form = simpleForm({
      fields,
      submitLabel: row ? 'Save changes' : `Create ${cfg.noun}`,
      cancel: () => dialog.close(),
      onSubmit: async (f) => {
        const body = cfg.body(f, row || null);
        const saved = row
          ? await api('PATCH', `${cfg.path}/${row.id}`, { body, headers: { 'If-Match': `"${row.version}"` } })
          : await api('POST', cfg.path, { body });
        dialog.close();
        announce(`${cfg.noun[0].toUpperCase()}${cfg.noun.slice(1)} ${row ? 'updated' : 'created'}: ${cfg.label ? cfg.label(saved || body) : ''}`);
        list.reload(!row);
      },
    });
    dialog = openDialog(row ? `Edit ${cfg.noun}` : `New ${cfg.noun}`, form, { wide: true });
  };
  const canWrite = cfg.writePerm && session.can(cfg.writePerm);
  const addButton = canWrite ? h('button.btn.btn-primary', { type: 'button', onclick: () => openForm(null) }, `New ${cfg.noun}`) : null;
  put(main, pageHeader(cfg.title, addButton));
  if (cfg.help) put(main, h('p.lede', cfg.help));
  if (cfg.filters && cfg.filters.length) {
    const inputs = cfg.filters.map((spec) => field(spec));
    const form = h('form.filters', { role: 'search', 'aria-label': `Filter ${cfg.title.toLowerCase()}` }, inputs,
      h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Apply'),
        h('button.btn.btn-link', { type: 'reset' }, 'Clear')));
    const apply = () => {
      for (const f of inputs) filterState[f.input.name] = f.input.value.trim();
      list.reload(true);
    };
    form.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
    form.addEventListener('reset', () => setTimeout(apply, 0));
    put(main, form);
  }
  const columns = [...cfg.columns];
  if (canWrite) {
    columns.push({ label: 'Actions', className: 'actions', render: (r) => h('button.btn.btn-small', { type: 'button', onclick: () => openForm(r), 'aria-label': `Edit ${cfg.label ? cfg.label(r) : cfg.noun}` }, 'Edit') });
  }
  list = pagedTable({
    caption: cfg.title,
    columns,
    empty: `No ${cfg.title.toLowerCase()} yet.`,
    load: (cursor) => api('GET', cfg.path, { query: { ...filterState, limit: 50, cursor } }),
  });
  put(main, list);
}

// Only the fields that changed, for PATCH bodies.
export function changed(body, row) {
  if (!row) return body;
  const out = {};
  for (const [k, v] of Object.entries(body)) {
    if (JSON.stringify(v) !== JSON.stringify(row[k] ?? (typeof v === 'string' ? '' : null))) out[k] = v;
  }
  return out;
}

// '' -> null for optional text fields
export const opt = (v) => (v === '' ? null : v);
