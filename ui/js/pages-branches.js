// Branches: code, name, GST state, address and optional GSTIN; each branch's numbering
// series (invoice, credit note, debit note) with their prefixes.

import { h, put, clear, todayIso } from './util.js';
import { api, session } from './api.js';
import { field, values, pageHeader, problemBox, loading, dl, table, simpleForm, openDialog, announce } from './components.js';
import { crudPage, changed, opt } from './crud.js';
import { rules } from './validate.js';
import { STATES, OTHER_COUNTRIES } from './states.js';
import { fyShort, seriesNumber } from './money.js';
import { go } from './router.js';

export function stateOptions(blank = 'Choose a state', { foreign = false } = {}) {
  const list = foreign ? [...STATES, OTHER_COUNTRIES] : STATES;
  return [['', blank], ...list.map(([c, n]) => [c, `${c} · ${n}`])];
}

export function stateName(code) {
  const s = [...STATES, OTHER_COUNTRIES].find(([c]) => c === code);
  return s ? `${code} · ${s[1]}` : (code || '—');
}

export function renderBranches(main) {
  crudPage(main, {
    title: 'Branches',
    noun: 'branch',
    path: '/api/v1/branches',
    writePerm: 'org.branches:write',
    label: (r) => `${r.code} ${r.name}`,
    help: 'A branch with a GSTIN can issue tax invoices; characters 3–12 of its GSTIN must be the company PAN (see Company profile). Open a branch to see its numbering series.',
    columns: [
      { label: 'Code', render: (r) => h('a', { href: `#/branches/${r.id}` }, r.code) },
      { label: 'Name', render: (r) => r.name },
      { label: 'State', render: (r) => stateName(r.state_code) },
      { label: 'GSTIN', render: (r) => r.gstin || '—' },
      { label: 'Address', render: (r) => r.address || '—' },
    ],
    fields: (r) => [
      field({ name: 'code', label: 'Code', required: true, value: r?.code, transform: 'upper', hint: '2–10 capital letters or digits, e.g. MUM01', validate: rules.branchCode }),
      field({ name: 'name', label: 'Name', required: true, value: r?.name, validate: (v) => (v.trim() ? null : { message: 'name is required' }) }),
      field({ name: 'state_code', label: 'GST state', type: 'select', required: true, value: r?.state_code, options: stateOptions(), validate: rules.stateCode }),
      field({ name: 'gstin', label: 'GSTIN (optional)', value: r?.gstin, transform: 'upper', validate: rules.gstin }),
      field({ name: 'address', label: 'Address', type: 'textarea', value: r?.address, wide: true }),
    ],
    body: (f, r) => {
      const v = values(f);
      return changed({ code: v.code, name: v.name, state_code: v.state_code, gstin: opt(v.gstin), address: v.address }, r);
    },
  });
}

const DOC_TYPES = { invoice: 'Tax invoices', credit_note: 'Credit notes', debit_note: 'Debit notes' };

// The next number of a series in the current financial year. The API gives it as
// `next_number` ("HQ/26-27/00001"; docs/tax-documents.md describes `next_seq: {FY: n}`,
// which is also understood); with another prefix (the edit preview) the sequence is kept.
export function nextNumberPreview(series, today = todayIso()) {
  const fy = fyShort(today);
  if (typeof series.next_number === 'string') {
    const m = /^[^/]+\/([^/]+)\/(\d+)$/.exec(series.next_number);
    if (m) return seriesNumber(series.prefix, m[1], Number(m[2]));
    return series.next_number;
  }
  const start = Number(today.slice(5, 7)) >= 4 ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
  const long = `${start}-${fy.slice(3)}`;
  const next = series.next_seq || {};
  const seq = Number(next[fy] ?? next[long] ?? 1);
  return seriesNumber(series.prefix, fy, seq);
}

export async function renderBranch(main, { id }) {
  put(main, loading());
  let branch;
  let series;
  try {
    [branch, series] = await Promise.all([
      api('GET', `/api/v1/branches/${id}`),
      api('GET', `/api/v1/branches/${id}/series`).then((p) => p.items || []),
    ]);
  } catch (e) {
    put(clear(main), pageHeader('Branch'), problemBox(e));
    return;
  }
  clear(main);
  const canWrite = session.can('org.branches:write');
  const reload = () => go(`#/branches/${id}?t=${Date.now()}`);
  put(main, pageHeader(`Branch ${branch.code}`, h('a.btn', { href: '#/branches' }, 'All branches')),
    h('section.panel', { 'aria-label': 'Branch' }, h('h2', branch.name), dl([
      ['Code', branch.code],
      ['GST state', stateName(branch.state_code)],
      ['GSTIN', branch.gstin || h('span', 'None — this branch cannot issue tax invoices')],
      ['Address', branch.address || '—'],
    ])));
  const editPrefix = (s) => {
    let dialog;
    const prefix = field({ name: 'prefix', label: 'Prefix', required: true, value: s.prefix, transform: 'upper', attrs: { maxlength: 4 },
      hint: 'A capital letter, then up to three capital letters or digits; unique in the company.',
      validate: (v) => (/^[A-Z][A-Z0-9]{0,3}$/.test(String(v).trim().toUpperCase()) ? null : { message: 'a capital letter followed by up to three capital letters or digits' }) });
    const preview = h('p.hint', { 'aria-live': 'polite' });
    const show = () => {
      const p = prefix.input.value.trim().toUpperCase();
      const n = /^[A-Z][A-Z0-9]{0,3}$/.test(p) ? nextNumberPreview({ ...s, prefix: p }) : null;
      preview.textContent = n ? `Next number: ${n}` : '';
    };
    prefix.input.addEventListener('input', show);
    show();
    const form = simpleForm({
      fields: [prefix],
      extra: preview,
      submitLabel: 'Save prefix',
      cancel: () => dialog.close(),
      onSubmit: async () => {
        await api('PATCH', `/api/v1/branches/${id}/series/${s.id}`, { body: { prefix: prefix.input.value.trim().toUpperCase() }, headers: s.version != null ? { 'If-Match': `"${s.version}"` } : {} });
        dialog.close();
        announce(`Prefix of ${DOC_TYPES[s.doc_type] || s.doc_type} changed.`);
        reload();
      },
    });
    dialog = openDialog(`${DOC_TYPES[s.doc_type] || s.doc_type}: prefix`, form);
  };
  const order = ['invoice', 'credit_note', 'debit_note'];
  series.sort((a, b) => order.indexOf(a.doc_type) - order.indexOf(b.doc_type));
  put(main, h('section.panel', { 'aria-labelledby': 'series-h' },
    h('h2', { id: 'series-h' }, 'Numbering series'),
    h('p.hint', 'Numbers run without gaps per series and financial year (April to March): prefix / year / sequence.'),
    table([
      { label: 'Document', render: (s) => DOC_TYPES[s.doc_type] || s.doc_type },
      { label: 'Prefix', render: (s) => h('code', s.prefix) },
      { label: 'Next number', render: (s) => {
        const n = nextNumberPreview(s);
        return n ? h('code', { 'data-testid': `next-${s.doc_type}` }, n) : h('span.problem-text', 'Exhausted — choose a shorter prefix');
      } },
      ...(canWrite ? [{ label: 'Actions', className: 'actions', render: (s) => h('button.btn.btn-small', { type: 'button', 'aria-label': `Edit prefix of ${(DOC_TYPES[s.doc_type] || s.doc_type).toLowerCase()}`, onclick: () => editPrefix(s) }, 'Edit prefix') }] : []),
    ], series, { caption: 'Series', empty: 'No series yet; they are created when the branch first issues.' })));
}
