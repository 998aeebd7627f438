// Books: the chart of accounts (a tree), journals (list, detail, reversal, a new
// manual journal with a live difference) and the books settings (lock date, year close).

import { h, put, clear, uid, fmtPaise, fmtDate, fmtInstant, todayIso, fyStartIso, titleCase } from './util.js';
import { api, session, getAll } from './api.js';
import {
  pageHeader, pagedTable, announce, field, formErrorBox, clearErrors, validateForm, applyProblem,
  busy, problemBox, loading, badge, dl, confirmDialog, openDialog, simpleForm, values, showError,
} from './components.js';
import { journalLineAmount, journalTotals } from './money.js';
import { changed } from './crud.js';
import { go } from './router.js';

export const ACCOUNT_TYPES = { asset: 'Asset', liability: 'Liability', equity: 'Equity', income: 'Income', expense: 'Expense' };
// Accounts that move only through documents (the server refuses them in manual journals).
const CONTROL_KEYS = ['sundry_debtors', 'sundry_creditors'];

// ---- shared --------------------------------------------------------------------------

// The chart in tree order, each with its depth: [{...account, depth}].
export async function loadChart() {
  const items = await getAll('/api/v1/accounts');
  const byParent = new Map();
  for (const a of items) {
    const k = a.parent_id || '';
    if (!byParent.has(k)) byParent.set(k, []);
    byParent.get(k).push(a);
  }
  const ids = new Set(items.map((a) => a.id));
  const out = [];
  const walk = (parent, depth) => {
    for (const a of byParent.get(parent) || []) {
      out.push({ ...a, depth });
      walk(a.id, depth + 1);
    }
  };
  walk('', 0);
  // Accounts whose parent is missing from the list (should not happen) still show.
  for (const a of items) if (a.parent_id && !ids.has(a.parent_id)) { out.push({ ...a, depth: 0 }); walk(a.id, 1); }
  return out;
}

export const accountLabel = (a) => (a ? `${a.code} · ${a.name}` : '—');

export function ledgerHref(accountId, query = {}) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) u.set(k, v);
  const s = u.toString();
  return `#/reports/ledger/${accountId}${s ? `?${s}` : ''}`;
}

// Where a journal's source document lives in the UI; null for none (manual, year close).
const SOURCES = {
  invoice: ['invoices', 'Invoice'],
  invoice_cancellation: ['invoices', 'Invoice cancellation'],
  credit_note: ['credit-notes', 'Credit note'],
  debit_note: ['debit-notes', 'Debit note'],
  payment: ['payments', 'Payment'],
  bill: ['bills', 'Bill'],
  bill_cancellation: ['bills', 'Bill cancellation'],
  vendor_payment: ['vendor-payments', 'Vendor payment'],
  stock_transfer: ['stock-transfers', 'Stock transfer'],
};
export function sourceName(src) {
  if (!src) return 'Manual';
  if (src.type === 'year_close') return `Year close ${src.id}`;
  return (SOURCES[src.type] || [null, titleCase(src.type)])[1];
}
// A link to the document behind a journal (context: e.g. the journal number, for the
// link's accessible name).
export function sourceLink(src, context) {
  if (!src) return h('span.muted', 'Manual journal');
  const found = SOURCES[src.type];
  if (!found) return sourceName(src);
  return h('a', { href: `#/${found[0]}/${src.id}`, 'aria-label': context ? `${found[1]} (${context})` : null }, found[1]);
}

export const KINDS = [['document', 'Document'], ['manual', 'Manual'], ['reversal', 'Reversal'], ['closing', 'Closing']];

async function branchList() {
  if (!session.can('org.branches:read')) return [];
  try { return await getAll('/api/v1/branches'); } catch { return []; }
}

// ---- chart of accounts ---------------------------------------------------------------

export async function renderAccounts(main) {
  put(main, loading());
  let chart;
  try {
    chart = await loadChart();
  } catch (e) {
    put(clear(main), pageHeader('Chart of accounts'), problemBox(e, () => go(`#/accounts?t=${Date.now()}`)));
    return;
  }
  clear(main);
  const canWrite = session.can('books.accounts:write');
  const canLedger = session.can('books.reports:read');
  const reload = () => go(`#/accounts?t=${Date.now()}`);
  const add = canWrite ? h('button.btn.btn-primary', { type: 'button', onclick: () => accountDialog(null, chart, reload) }, 'Add account') : null;
  put(main, pageHeader('Chart of accounts', add),
    h('p.lede', 'Groups (in bold) add up the accounts under them; only accounts take postings. An account takes the type of its group.',
      canLedger ? ' Select an account to open its ledger.' : ''));
  if (!chart.length) { put(main, h('p.empty', 'No accounts.')); return; }
  const byId = new Map(chart.map((a) => [a.id, a]));
  const rows = chart.map((a) => {
    const nameCell = !a.is_group && canLedger ? h('a', { href: ledgerHref(a.id) }, a.name) : (a.is_group ? h('strong', a.name) : a.name);
    const parent = a.parent_id ? byId.get(a.parent_id) : null;
    return h(`tr${a.is_group ? '.row-group' : ''}`, { 'data-code': a.code },
      h('td.nowrap.mono', a.code),
      h(`td.depth-${Math.min(a.depth, 6)}`, nameCell, parent ? h('span.sr-only', ` (under ${parent.name})`) : null),
      h('td', ACCOUNT_TYPES[a.type] || a.type),
      h('td', a.is_group ? badge('group') : h('span.muted', 'Account')),
      h('td', a.system_key ? h('span.muted.small', { title: `Used by the posting rules (${a.system_key})` }, 'Built-in') : ''),
      canWrite ? h('td.actions', h('button.btn.btn-small', { type: 'button', 'aria-label': `Edit ${a.code} ${a.name}`, onclick: () => accountDialog(a, chart, reload) }, 'Edit')) : null);
  });
  put(main, h('div.table-wrap', h('table.table.tree-table',
    h('caption', `Chart of accounts (${chart.length})`),
    h('thead', h('tr', ['Code', 'Name', 'Type', 'Kind', 'Built-in', canWrite ? 'Actions' : null].filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', rows))));
}

// Add (account null) or rename/renumber an account.
function accountDialog(account, chart, done) {
  const groups = chart.filter((a) => a.is_group);
  const fields = [];
  let parent = null;
  if (!account) {
    parent = field({ name: 'parent_id', label: 'Group', type: 'select', required: true,
      options: [['', 'Choose a group'], ...groups.map((g) => [g.id, `${'\u00a0\u00a0'.repeat(g.depth)}${g.code} · ${g.name}`])],
      hint: 'The new account takes the group\'s type.',
      validate: (v) => (v ? null : { message: 'choose a group' }) });
    fields.push(parent);
  }
  const code = field({ name: 'code', label: 'Code', required: true, value: account?.code, attrs: { inputmode: 'numeric', autocomplete: 'off' },
    validate: (v) => (String(v).trim() ? null : { message: 'code is required' }) });
  const name = field({ name: 'name', label: 'Name', required: true, value: account?.name, attrs: { autocomplete: 'off' },
    validate: (v) => (String(v).trim() ? null : { message: 'name is required' }) });
  fields.push(code, name);
  let isGroup = null;
  if (!account) {
    isGroup = field({ name: 'is_group', label: 'This is a group (other accounts go under it; it takes no postings)', type: 'checkbox' });
    fields.push(isGroup);
  }
  const typeNote = h('p.hint', { 'aria-live': 'polite' });
  if (parent) {
    parent.input.addEventListener('change', () => {
      const g = groups.find((x) => x.id === parent.input.value);
      typeNote.textContent = g ? `Type: ${ACCOUNT_TYPES[g.type] || g.type}` : '';
    });
  } else {
    typeNote.textContent = `Type: ${ACCOUNT_TYPES[account.type] || account.type}${account.is_group ? ' · group' : ''}. The type, group and kind of an account cannot change.`;
  }
  let dialog;
  const form = simpleForm({
    fields,
    extra: typeNote,
    submitLabel: account ? 'Save changes' : 'Add account',
    cancel: () => dialog.close(),
    onSubmit: async (f) => {
      const v = values(f);
      let saved;
      if (account) {
        const body = changed({ code: v.code, name: v.name }, account);
        if (!Object.keys(body).length) { dialog.close(); return; }
        saved = await api('PATCH', `/api/v1/accounts/${account.id}`, { body, headers: { 'If-Match': `"${account.version}"` } });
      } else {
        saved = await api('POST', '/api/v1/accounts', { body: { parent_id: v.parent_id, code: v.code, name: v.name, is_group: !!v.is_group } });
      }
      dialog.close();
      announce(`${account ? 'Account updated' : 'Account added'}: ${saved.code} · ${saved.name}`);
      done();
    },
  });
  dialog = openDialog(account ? `Edit ${account.code} · ${account.name}` : 'Add account', form);
}

// ---- journals ------------------------------------------------------------------------

function journalColumns() {
  return [
    { label: 'Journal', className: 'nowrap', render: (j) => h('a', { href: `#/journals/${j.id}` }, j.number) },
    { label: 'Date', className: 'nowrap', render: (j) => fmtDate(j.date) },
    { label: 'Kind', render: (j) => badge(j.kind) },
    { label: 'Narration', render: (j) => [j.narration, j.reversed_by_id ? h('span.muted.small', ' (reversed)') : null] },
    { label: 'Document', render: (j) => sourceLink(j.source, j.number) },
    { label: 'Amount', className: 'num', render: (j) => fmtPaise(j.total_paise) },
  ];
}

export async function renderJournals(main, _p, query) {
  const canWrite = session.can('books.journals:write');
  put(main, pageHeader('Journals', canWrite ? h('a.btn.btn-primary', { href: '#/journals/new' }, 'New journal') : null));
  put(main, h('p.lede', 'Every posting, newest first: documents post themselves; manual journals are for opening balances, expenses, bank charges and adjustments.'));
  const state = { from: query.get('from') || '', to: query.get('to') || '', kind: query.get('kind') || '' };
  const f = {
    from: field({ name: 'from', label: 'From date', type: 'date', value: state.from }),
    to: field({ name: 'to', label: 'To date', type: 'date', value: state.to }),
    kind: field({ name: 'kind', label: 'Kind', type: 'select', value: state.kind, options: [['', 'Any kind'], ...KINDS] }),
  };
  const filters = h('form.filters', { role: 'search', 'aria-label': 'Filter journals' }, formErrorBox(), Object.values(f),
    h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Apply'), h('button.btn.btn-link', { type: 'reset' }, 'Clear')));
  let list;
  const apply = () => {
    clearErrors(filters);
    for (const [k, x] of Object.entries(f)) state[k] = x.input.value;
    if (state.from && state.to && state.from > state.to) {
      showError(f.from.input, 'the from date must not be after the to date');
      f.from.input.focus();
      return;
    }
    list.reload(true);
  };
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
  filters.addEventListener('reset', () => setTimeout(apply, 0));
  put(main, filters);
  list = pagedTable({
    caption: 'Journals',
    empty: 'No journals match.',
    columns: journalColumns(),
    load: (cursor) => api('GET', '/api/v1/journals', { query: { ...state, limit: 50, cursor } }),
  });
  put(main, list);
}

// A journal's lines with a totals row.
export function journalLinesTable(j, { branches = [], customers = new Map(), vendors = new Map(), caption } = {}) {
  const canLedger = session.can('books.reports:read');
  const branchName = (id) => { const b = branches.find((x) => x.id === id); return b ? b.code : (id ? 'Branch' : '—'); };
  const party = (p) => {
    if (!p) return '—';
    if (p.type === 'customer') return h('a', { href: `#/customers/${p.id}` }, customers.get(p.id)?.name || 'Customer');
    if (p.type === 'vendor') return h('a', { href: `#/vendors/${p.id}` }, vendors.get(p.id)?.name || 'Vendor');
    return titleCase(p.type);
  };
  return h('div.table-wrap', h('table.table',
    h('caption', caption || `Lines of ${j.number}`),
    h('thead', h('tr', ['#', 'Account', 'Party', 'Branch', 'Debit', 'Credit'].map((t, i) => h('th', { scope: 'col', class: i >= 4 ? 'num' : '' }, t)))),
    h('tbody', (j.lines || []).map((l) => h('tr',
      h('td', String(l.line_no)),
      h('td', canLedger ? h('a', { href: ledgerHref(l.account_id, { from: fyStartIso(j.date), to: j.date }) }, `${l.account_code} · ${l.account_name}`) : `${l.account_code} · ${l.account_name}`),
      h('td', party(l.party)),
      h('td', branchName(l.branch_id)),
      h('td.num', l.debit_paise ? fmtPaise(l.debit_paise) : ''),
      h('td.num', l.credit_paise ? fmtPaise(l.credit_paise) : '')))),
    h('tfoot', h('tr', h('th', { scope: 'row', colspan: 4 }, 'Total'),
      h('td.num', { 'data-testid': 'journal-debit-total' }, fmtPaise(j.total_paise)),
      h('td.num', { 'data-testid': 'journal-credit-total' }, fmtPaise(j.total_paise))))));
}

export async function renderJournal(main, { id }) {
  put(main, loading());
  let j;
  let branches = [];
  let customers = new Map();
  let vendors = new Map();
  try {
    j = await api('GET', `/api/v1/journals/${id}`);
    const needCustomers = (j.lines || []).some((l) => l.party?.type === 'customer') && session.can('sales.customers:read');
    const needVendors = (j.lines || []).some((l) => l.party?.type === 'vendor') && session.can('purchases.vendors:read');
    const byIdMap = (list) => new Map(list.map((x) => [x.id, x]));
    [branches, customers, vendors] = await Promise.all([
      (j.lines || []).some((l) => l.branch_id) ? branchList() : [],
      needCustomers ? getAll('/api/v1/customers').then(byIdMap).catch(() => new Map()) : new Map(),
      needVendors ? getAll('/api/v1/vendors').then(byIdMap).catch(() => new Map()) : new Map(),
    ]);
  } catch (e) {
    put(clear(main), pageHeader('Journal'), problemBox(e));
    return;
  }
  clear(main);
  const actions = [h('a.btn', { href: '#/journals' }, 'All journals')];
  if (j.kind === 'manual' && !j.reversed_by_id && session.can('books.journals:write')) {
    const rev = h('button.btn.btn-danger', { type: 'button' }, 'Reverse');
    rev.addEventListener('click', () => reverseDialog(j));
    actions.push(rev);
  }
  put(main, pageHeader(`Journal ${j.number}`, actions));
  put(main, h('section.panel', { 'aria-labelledby': 'jv-sum-h' }, h('h2', { id: 'jv-sum-h' }, 'Summary'), dl([
    ['Date', fmtDate(j.date)],
    ['Kind', badge(j.kind)],
    ['Narration', j.narration],
    ['Document', h('span', { 'data-testid': 'journal-source' }, j.source ? sourceLink(j.source) : sourceName(j.source))],
    j.reverses_id ? ['Reverses', h('a', { href: `#/journals/${j.reverses_id}`, 'data-testid': 'reverses' }, 'the journal it reverses')] : null,
    j.reversed_by_id ? ['Reversed by', h('a', { href: `#/journals/${j.reversed_by_id}`, 'data-testid': 'reversed-by' }, 'its reversal')] : null,
    ['Amount', h('strong', fmtPaise(j.total_paise))],
    ['Posted', fmtInstant(j.created_at)],
  ])));
  put(main, h('section.panel', { 'aria-labelledby': 'jv-lines-h' }, h('h2', { id: 'jv-lines-h' }, 'Lines'), journalLinesTable(j, { branches, customers, vendors })));
  // Numbers of the linked journals, for the link texts.
  for (const [key, rid] of [['reverses', j.reverses_id], ['reversed-by', j.reversed_by_id]]) {
    if (!rid) continue;
    api('GET', `/api/v1/journals/${rid}`).then((o) => {
      const a = main.querySelector(`[data-testid="${key}"]`);
      if (a) a.textContent = o.number;
    }).catch(() => { /* the generic text stays */ });
  }
}

function reverseDialog(j) {
  const date = field({ name: 'date', label: 'Reversal date', type: 'date', required: true, value: j.date,
    hint: `Not before the journal's own date (${fmtDate(j.date)}).`,
    validate: (v) => (!v ? { message: 'date is required' } : (v < j.date ? { message: 'not before the journal\'s own date' } : null)) });
  const narration = field({ name: 'narration', label: 'Narration (optional)', type: 'textarea', rows: 2, attrs: { placeholder: `Reversal of ${j.number}` } });
  let dialog;
  const form = simpleForm({
    fields: [date, narration],
    extra: h('p', `Reversing posts a new journal with every debit of ${j.number} as a credit and every credit as a debit. ${j.number} stays in the books and can be reversed only once.`),
    submitLabel: 'Reverse journal',
    busyLabel: 'Reversing…',
    cancel: () => dialog.close(),
    onSubmit: async () => {
      const body = { date: date.input.value };
      const n = narration.input.value.trim();
      if (n) body.narration = n;
      const r = await api('POST', `/api/v1/journals/${j.id}/reverse`, { body });
      dialog.close();
      announce(`${j.number} reversed by ${r.number}.`);
      go(`#/journals/${r.id}`);
    },
  });
  dialog = openDialog(`Reverse ${j.number}`, form);
}

// ---- a new manual journal -------------------------------------------------------------

// The API's messages count paise; people read rupees: "… 10000000000000 paise" -> "… ₹1,00,00,00,00,000.00".
export function rupeeWords(text) {
  return String(text ?? '')
    .replace(/(\d+) to (\d+) paise/g, (_, a, b) => `${fmtPaise(BigInt(a))} to ${fmtPaise(BigInt(b))}`)
    .replace(/(\d+) paise/g, (_, n) => fmtPaise(BigInt(n)));
}

export function differenceText(diff) {
  if (diff === 0n) return `Difference ${fmtPaise(0n)}`;
  return diff > 0n ? `Debits exceed credits by ${fmtPaise(diff)}` : `Credits exceed debits by ${fmtPaise(-diff)}`;
}

export async function renderJournalForm(main) {
  put(main, loading());
  let chart;
  let branches;
  try {
    [chart, branches] = await Promise.all([loadChart(), branchList()]);
  } catch (e) {
    put(clear(main), pageHeader('New journal'), problemBox(e));
    return;
  }
  clear(main);
  const leaves = chart.filter((a) => !a.is_group);
  const byId = new Map(chart.map((a) => [a.id, a]));
  const need = (label) => (v) => (String(v).trim() ? null : { message: `${label} is required` });
  const date = field({ name: 'date', label: 'Date', type: 'date', required: true, value: todayIso(), validate: need('date') });
  const narration = field({ name: 'narration', label: 'Narration', type: 'textarea', required: true, rows: 2, wide: true,
    hint: 'What the journal is for, e.g. "Rent for November paid by bank transfer".', validate: need('narration') });
  const linesBody = h('tbody');
  const rows = [];
  const diffEl = h('p.journal-diff', { id: 'journal-diff', 'data-testid': 'journal-difference', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const totalsEl = h('p.hint', { 'data-testid': 'journal-totals' });
  const submit = h('button.btn.btn-primary', { type: 'submit', 'aria-describedby': 'journal-diff' }, 'Post journal');

  // Account options: leaf accounts under their group; control accounts shown but not choosable.
  function accountOptions() {
    const groups = new Map();
    for (const a of leaves) {
      const g = a.parent_id ? byId.get(a.parent_id) : null;
      const key = g ? g.id : '';
      if (!groups.has(key)) groups.set(key, { label: g ? `${g.code} · ${g.name}` : 'Other', items: [] });
      groups.get(key).items.push(a);
    }
    return [h('option', { value: '' }, 'Choose an account'),
      [...groups.values()].map((g) => h('optgroup', { label: g.label }, g.items.map((a) => {
        const control = CONTROL_KEYS.includes(a.system_key);
        return h('option', { value: a.id, disabled: control }, `${a.code} · ${a.name}${control ? ' (through documents only)' : ''}`);
      })))];
  }

  function cell(el, errId) {
    return h('td', el, h('p.field-error', { id: errId, hidden: true }));
  }

  function addLine() {
    const key = uid('jl');
    const account = h('select', { id: `${key}-account`, class: 'in-account' }, accountOptions());
    const debit = h('input.in-money', { id: `${key}-debit`, type: 'text', inputmode: 'decimal', autocomplete: 'off' });
    const credit = h('input.in-money', { id: `${key}-credit`, type: 'text', inputmode: 'decimal', autocomplete: 'off' });
    const branch = branches.length ? h('select', { id: `${key}-branch` }, h('option', { value: '' }, 'No branch'), branches.map((b) => h('option', { value: b.id }, `${b.code} · ${b.name}`))) : null;
    const remove = h('button.btn.btn-small.btn-link', { type: 'button' }, 'Remove');
    const tr = h('tr.line',
      h('td.line-no'), cell(account, `${key}-account-err`), cell(debit, `${key}-debit-err`), cell(credit, `${key}-credit-err`),
      branch ? cell(branch, `${key}-branch-err`) : null, h('td', remove));
    put(linesBody, tr);
    const row = {
      tr, account, debit, credit, branch, remove,
      inputs: [account, debit, credit, branch].filter(Boolean),
      setIndex(i) {
        tr.firstChild.textContent = String(i + 1);
        for (const [el, name, label] of [[account, 'account_id', 'account'], [debit, 'debit_paise', 'debit in rupees'], [credit, 'credit_paise', 'credit in rupees'], [branch, 'branch_id', 'branch']]) {
          if (!el) continue;
          el.dataset.field = `lines[${i}].${name}`;
          el.setAttribute('aria-label', `Line ${i + 1} ${label}`);
          el.setAttribute('aria-describedby', `${el.id}-err`);
        }
        remove.setAttribute('aria-label', `Remove line ${i + 1}`);
        remove.disabled = rows.length <= 2;
      },
    };
    for (const el of [debit, credit]) {
      el.addEventListener('input', () => {
        // A corrected amount loses its message at once.
        const a = journalLineAmount(debit.value, credit.value);
        if (!a.problem) { showError(debit, ''); showError(credit, ''); }
        recompute();
      });
      el.addEventListener('blur', () => {
        const a = journalLineAmount(debit.value, credit.value);
        if (a.problem) showError(el === debit && debit.value.trim() ? debit : (credit.value.trim() ? credit : debit), a.problem);
      });
    }
    account.addEventListener('change', () => { if (account.value) showError(account, ''); });
    remove.addEventListener('click', () => {
      if (rows.length <= 2) return;
      const i = rows.indexOf(row);
      rows.splice(i, 1);
      tr.remove();
      reindex();
      recompute();
      const next = rows[Math.min(i, rows.length - 1)];
      next.account.focus();
    });
    rows.push(row);
    reindex();
    return row;
  }
  function reindex() { rows.forEach((r, i) => r.setIndex(i)); }

  function recompute() {
    const t = journalTotals(rows.map((r) => ({ debit: r.debit.value, credit: r.credit.value })));
    const balanced = t.diff === 0n && t.debit > 0n && !t.invalid.length;
    diffEl.textContent = t.invalid.length ? `${differenceText(t.diff)} · line ${t.invalid.map((i) => i + 1).join(', ')} has an invalid amount` : differenceText(t.diff);
    diffEl.className = `journal-diff ${balanced ? 'diff-ok' : 'diff-bad'}`;
    totalsEl.textContent = `Debits ${fmtPaise(t.debit)} · Credits ${fmtPaise(t.credit)}`;
    submit.disabled = !balanced;
    return t;
  }

  const addBtn = h('button.btn', { type: 'button' }, '+ Add line');
  addBtn.addEventListener('click', () => { const r = addLine(); recompute(); r.account.focus(); });
  addLine();
  addLine();
  recompute();

  const heads = ['#', 'Account', 'Debit (₹)', 'Credit (₹)', branches.length ? 'Branch (optional)' : null, ''].filter((x) => x !== null);
  const form = h('form.form.journal-form', { novalidate: true, 'aria-label': 'New journal' },
    formErrorBox(),
    h('div.form-grid', date, narration),
    h('fieldset.section', h('legend', 'Lines'),
      h('p.hint', 'Each line is a debit or a credit to one account. Debits must equal credits. Sundry Debtors and Sundry Creditors move only through documents (invoices, notes, payments).'),
      h('div.table-wrap', h('table.table.lines-table', h('caption.sr-only', 'Journal lines'),
        h('thead', h('tr', heads.map((t) => h('th', { scope: 'col' }, t)))),
        linesBody)),
      h('div.lines-actions', addBtn)),
    h('div.totals.journal-totals', diffEl, totalsEl),
    h('div.form-actions', submit, h('a.btn', { href: '#/journals' }, 'Cancel')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    let ok = validateForm(form);
    let firstBad = null;
    const mark = (el, msg) => { showError(el, msg); if (!firstBad) firstBad = el; };
    for (const r of rows) {
      if (!r.account.value) mark(r.account, 'choose an account');
      const a = journalLineAmount(r.debit.value, r.credit.value);
      if (a.blank) mark(r.debit, 'enter a debit or a credit');
      else if (a.problem) mark(r.credit.value.trim() && !r.debit.value.trim() ? r.credit : r.debit, a.problem);
    }
    const t = recompute();
    if (firstBad) { ok = false; if (!form.contains(document.activeElement) || document.activeElement.getAttribute('aria-invalid') !== 'true') firstBad.focus(); }
    if (!ok || t.diff !== 0n) return;
    const body = {
      date: date.input.value,
      narration: narration.input.value.trim(),
      lines: rows.map((r) => {
        const a = journalLineAmount(r.debit.value, r.credit.value);
        const line = { account_id: r.account.value };
        if (a.debit) line.debit_paise = Number(a.debit);
        else line.credit_paise = Number(a.credit);
        if (r.branch && r.branch.value) line.branch_id = r.branch.value;
        return line;
      }),
    };
    try {
      const saved = await busy(submit, 'Posting…', () => api('POST', '/api/v1/journals', { body }));
      announce(`Journal ${saved.number} posted.`);
      go(`#/journals/${saved.id}`);
    } catch (e) {
      for (const fe of e.errors || []) if (fe.message) fe.message = rupeeWords(fe.message);
      applyProblem(form, e);
      // The lock date: the server's detail is at the top; the date is what to change.
      if (e.code === 'period_locked') showError(date.input, 'this date is in a locked period; choose a later date');
      recompute();
    }
  });
  put(main, pageHeader('New journal'), form);
}

// ---- books settings ------------------------------------------------------------------

// Financial years that have ended, newest first: "2025-26", "2024-25", …
export function endedYears(today, count = 8) {
  const start = Number(fyStartIso(today).slice(0, 4));
  const out = [];
  for (let y = start - 1; y > start - 1 - count; y -= 1) out.push(`${y}-${String((y + 1) % 100).padStart(2, '0')}`);
  return out;
}

export async function renderBooksSettings(main) {
  put(main, loading());
  let lock;
  try {
    lock = await api('GET', '/api/v1/books/lock');
  } catch (e) {
    put(clear(main), pageHeader('Books settings'), problemBox(e));
    return;
  }
  clear(main);
  const canWrite = session.can('books.settings:write');
  const reload = () => go(`#/books/settings?t=${Date.now()}`);
  put(main, pageHeader('Books settings'));

  // Lock date.
  const current = h('p', { 'data-testid': 'lock-status' }, lock.lock_date
    ? ['The books are locked up to ', h('strong', fmtDate(lock.lock_date)), ': nothing dated on or before it can be posted, issued, cancelled or reversed.']
    : 'The books are not locked: documents and journals may carry any date.');
  const lockPanel = h('section.panel', { 'aria-labelledby': 'lock-h' }, h('h2', { id: 'lock-h' }, 'Lock date'), current);
  if (canWrite) {
    const date = field({ name: 'lock_date', label: 'Lock the books up to and including', type: 'date', required: true, value: lock.lock_date || '',
      validate: (v) => (v ? null : { message: 'choose a date' }) });
    const form = simpleForm({
      fields: [date],
      submitLabel: lock.lock_date ? 'Change lock date' : 'Set lock date',
      onSubmit: async () => {
        const r = await api('PUT', '/api/v1/books/lock', { body: { lock_date: date.input.value } });
        announce(`Books locked up to ${fmtDate(r.lock_date)}.`);
        reload();
      },
    });
    form.classList.add('narrow');
    put(lockPanel, form);
    if (lock.lock_date) {
      const lift = h('button.btn.btn-danger', { type: 'button' }, 'Lift the lock');
      lift.addEventListener('click', async () => {
        const ok = await confirmDialog('Lift the lock', `Lifting the lock lets anyone with the permission post, issue, cancel or reverse entries dated on or before ${fmtDate(lock.lock_date)} again.`, {
          confirmLabel: 'Lift the lock', danger: true, focusCancel: true,
          action: () => api('PUT', '/api/v1/books/lock', { body: { lock_date: null } }),
        });
        if (ok) { announce('The lock date is lifted.'); reload(); }
      });
      put(lockPanel, h('div.form-actions', lift));
    }
  }
  put(main, lockPanel);

  // Close a financial year.
  if (canWrite) {
    const years = endedYears(todayIso());
    const fy = field({ name: 'fy', label: 'Financial year', type: 'select', required: true, value: years[0], options: years.map((y) => [y, `FY ${y} (1 Apr ${y.slice(0, 4)} – 31 Mar ${Number(y.slice(0, 4)) + 1})`]) });
    const result = h('div', { role: 'status', 'data-testid': 'close-result' });
    const close = h('button.btn.btn-primary', { type: 'submit' }, 'Close year');
    const form = h('form.form.narrow', { novalidate: true }, formErrorBox(), fy, h('div.form-actions', close));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const year = fy.input.value;
      const done = await confirmDialog(`Close FY ${year}`, `Closing moves the year's profit or loss to Retained Earnings with a closing journal dated 31 March ${Number(year.slice(0, 4)) + 1} and locks the books up to that day. It cannot be undone.`, {
        confirmLabel: `Close FY ${year}`, focusCancel: true,
        action: () => api('POST', '/api/v1/books/close-year', { body: { fy: year } }),
      });
      if (!done) return;
      const p = BigInt(done.profit_paise || 0);
      const moved = p === 0n ? 'The year had no profit or loss to move.'
        : `${p > 0n ? 'Profit' : 'Loss'} of ${fmtPaise(p > 0n ? p : -p)} moved to Retained Earnings.`;
      put(clear(result), h('div.notice',
        h('p', h('strong', `FY ${done.fy} closed. `), moved),
        done.journal_id ? h('p', h('a', { href: `#/journals/${done.journal_id}` }, 'Open the closing journal')) : null,
        h('p', `The books are now locked up to ${fmtDate(done.lock_date)}.`)));
      put(clear(current), 'The books are locked up to ', h('strong', fmtDate(done.lock_date)), ': nothing dated on or before it can be posted, issued, cancelled or reversed.');
      announce(`FY ${done.fy} closed.`);
    });
    put(main, h('section.panel', { 'aria-labelledby': 'close-h' }, h('h2', { id: 'close-h' }, 'Close a financial year'),
      h('p.hint', 'Only a year that has ended can be closed, and each year only once. Its income and expense accounts are brought to zero in the profit and loss of later years.'),
      form, result));
  }
}
