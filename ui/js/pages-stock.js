// Stock: quantities and values per item (a branch, a day), an item's stock ledger
// (every movement with the branch's running balance, each linked to its document),
// transfers between branches of one GSTIN under a delivery challan, and the negative
// stock setting. Items opt in with track_stock (the Items form).

import { h, put, clear, fmtPaise, fmtDate, todayIso, groupIndian, titleCase, qs } from './util.js';
import { api, session, getAll } from './api.js';
import {
  field, pageHeader, pagedTable, announce, formErrorBox, clearErrors, validateForm, applyProblem, showError,
  busy, problemBox, loading, simpleForm, errorText,
} from './components.js';
import { parseQuantityMilli, quantityJson } from './money.js';
import { stateName } from './pages-branches.js';
import { go } from './router.js';

// ---- shared --------------------------------------------------------------------------

// A quantity as the API sends it (a JSON number, ≤ 3 decimals) with Indian grouping;
// signed: "+10" / "−4".
export function fmtQty(q, unit, { signed = false } = {}) {
  if (q === null || q === undefined || q === '') return '—';
  const n = Number(q);
  const [whole, frac] = Math.abs(n).toFixed(3).replace(/\.?0+$/, '').split('.');
  const sign = n < 0 ? '−' : (signed && n > 0 ? '+' : '');
  return `${sign}${groupIndian(whole)}${frac ? `.${frac}` : ''}${unit ? ` ${unit}` : ''}`;
}

export const STOCK_KINDS = {
  purchase: 'Purchase',
  purchase_cancelled: 'Purchase cancelled',
  sale: 'Sale',
  sale_cancelled: 'Sale cancelled',
  sales_return: 'Sales return',
  transfer_out: 'Transfer out',
  transfer_in: 'Transfer in',
  adjustment: 'Adjustment',
};

// Where a movement's document lives in the UI, its name, and the permission to open it.
const STOCK_SOURCES = {
  bill: ['bills', 'Bill', 'purchases.bills:read'],
  bill_cancellation: ['bills', 'Bill cancellation', 'purchases.bills:read'],
  invoice: ['invoices', 'Invoice', 'sales.invoices:read'],
  invoice_cancellation: ['invoices', 'Invoice cancellation', 'sales.invoices:read'],
  credit_note: ['credit-notes', 'Credit note', 'sales.credit_notes:read'],
  stock_transfer: ['stock-transfers', 'Delivery challan', 'stock.reports:read'],
};
function stockDocLink(m) {
  const found = STOCK_SOURCES[m.source_type];
  const text = `${found ? found[1] : titleCase(m.source_type)} ${m.reference || ''}`.trim();
  if (!found || !session.can(found[2])) return h('span', text);
  return h('a', { href: `#/${found[0]}/${m.source_id}` }, text);
}

async function stockBranches() {
  if (!session.can('org.branches:read')) return [];
  try { return await getAll('/api/v1/branches'); } catch { return []; }
}
const stockBranchLabel = (b) => (b ? `${b.code} · ${b.name}` : '—');
function branchOf(branches, id) {
  return branches.find((b) => b.id === id) || null;
}

// A filter form whose values go into the hash (Back and links keep them).
function stockFilters(base, specs, label) {
  const fields = specs.filter(Boolean).map((s) => field(s));
  const form = h('form.filters', { role: 'search', 'aria-label': label }, formErrorBox(), fields,
    h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Show')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const q = {};
    for (const f of fields) q[f.input.name] = f.input.value;
    const from = fields.find((f) => f.input.name === 'from');
    const to = fields.find((f) => f.input.name === 'to');
    if (from && to && from.input.value && to.input.value && from.input.value > to.input.value) {
      showError(from.input, 'the from date must not be after the to date');
      from.input.focus();
      return;
    }
    go(`#${base}${qs(q)}`);
  });
  return form;
}

function stockBranchSpec(branches, value) {
  if (!branches.length) return null;
  return { name: 'branch_id', label: 'Branch', type: 'select', value, options: [['', 'All branches'], ...branches.map((b) => [b.id, stockBranchLabel(b)])] };
}

// ---- the stock report ----------------------------------------------------------------

export async function renderStock(main, _p, query) {
  const branchId = query.get('branch_id') || '';
  const asOf = query.get('as_of') || '';
  const actions = [h('a.btn', { href: '#/stock-transfers' }, 'Transfers')];
  if (session.can('stock.transfers:write')) actions.push(h('a.btn.btn-primary', { href: '#/stock-transfers/new' }, 'New transfer'));
  put(main, pageHeader('Stock', actions));
  put(main, h('p.lede', 'Quantity and value of every tracked item, at weighted average cost. Bills bring goods in at their branch, invoices take them out, sales returns bring them back, and transfers move them between branches. Open an item for its stock ledger.'));
  const branches = await stockBranches();
  put(main, stockFilters('/stock', [
    stockBranchSpec(branches, branchId),
    { name: 'as_of', label: 'As of', type: 'date', value: asOf, hint: 'Empty: now.' },
  ], 'Stock branch and date'));
  const box = h('section.panel', { 'aria-labelledby': 'stock-h' }, h('h2', { id: 'stock-h' }, 'Stock on hand'), loading());
  put(main, box);
  let r;
  try {
    r = await api('GET', '/api/v1/reports/stock', { query: { branch_id: branchId, as_of: asOf } });
  } catch (e) {
    put(clear(box), h('h2', { id: 'stock-h' }, 'Stock on hand'), problemBox(e, () => go(`#/stock${qs({ branch_id: branchId, as_of: asOf, t: Date.now() })}`)));
    return;
  }
  const where = r.branch_id ? stockBranchLabel(branchOf(branches, r.branch_id)) : 'All branches';
  const when = r.as_of ? `as of ${fmtDate(r.as_of)}` : 'now';
  const rows = r.items || [];
  const ledgerQuery = qs({ branch_id: r.branch_id || '', to: r.as_of || '' });
  put(clear(box),
    h('h2', { id: 'stock-h' }, 'Stock on hand'),
    h('p.hint', { 'data-testid': 'stock-scope' }, `${where}, ${when}.`),
    rows.length ? h('div.table-wrap', h('table.table.report-table',
      h('caption', `Stock: ${where}, ${when}`),
      h('thead', h('tr', ['SKU', 'Item', 'Quantity', 'Average cost', 'Value'].map((t, i) => h('th', { scope: 'col', class: i >= 2 ? 'num' : '' }, t)))),
      h('tbody', rows.map((x) => h('tr', { 'data-item': x.item_id },
        h('td.mono', x.sku),
        h('th', { scope: 'row' }, h('a', { href: `#/stock/ledger/${x.item_id}${ledgerQuery}`, 'aria-label': `Stock ledger of ${x.sku} ${x.name}` }, x.name)),
        h('td.num', { 'data-col': 'quantity' }, fmtQty(x.quantity, x.unit)),
        h('td.num', { 'data-col': 'average' }, x.average_cost_paise === null || x.average_cost_paise === undefined ? '—' : fmtPaise(x.average_cost_paise)),
        h('td.num', { 'data-col': 'value' }, fmtPaise(x.value_paise))))),
      h('tfoot', h('tr', h('th', { scope: 'row', colspan: 4 }, 'Total value'),
        h('td.num', { 'data-testid': 'stock-total' }, fmtPaise(r.total_value_paise))))))
      : h('p.empty', 'No stock on hand. Items whose stock is kept ("Keep stock of this item" on the Items page) come in with posted bills.'));
}

// ---- an item's stock ledger ----------------------------------------------------------

export async function renderStockLedger(main, { id }, query) {
  const branchId = query.get('branch_id') || '';
  const from = query.get('from') || '';
  const to = query.get('to') || '';
  put(main, loading());
  let item = null;
  let branches;
  try {
    [item, branches] = await Promise.all([
      session.can('sales.items:read') ? api('GET', `/api/v1/items/${id}`).catch(() => null) : null,
      stockBranches(),
    ]);
  } catch (e) {
    put(clear(main), pageHeader('Stock ledger'), problemBox(e));
    return;
  }
  clear(main);
  const title = item ? `Stock ledger: ${item.sku} · ${item.name}` : 'Stock ledger';
  const unit = item?.unit || '';
  put(main, pageHeader(title, h('a.btn', { href: `#/stock${qs({ branch_id: branchId })}` }, 'Stock')));
  put(main, h('p.lede', branchId
    ? 'Every movement of this item at the branch, oldest first, with the balance after each.'
    : 'Every movement of this item, oldest first. The balance after each movement is that branch\'s quantity and value.'));
  put(main, stockFilters(`/stock/ledger/${id}`, [
    stockBranchSpec(branches, branchId),
    { name: 'from', label: 'From date', type: 'date', value: from },
    { name: 'to', label: 'To date', type: 'date', value: to },
  ], 'Stock ledger filters'));
  put(main, pagedTable({
    caption: title,
    empty: 'No movements.',
    columns: [
      { label: 'Date', className: 'nowrap', render: (m) => fmtDate(m.date) },
      { label: 'Branch', render: (m) => { const b = branchOf(branches, m.branch_id); return b ? b.code : '—'; } },
      { label: 'Movement', render: (m) => STOCK_KINDS[m.kind] || titleCase(m.kind) },
      { label: 'Document', render: (m) => stockDocLink(m) },
      { label: 'Quantity', className: 'num', render: (m) => fmtQty(m.quantity, unit, { signed: true }) },
      { label: 'Value', className: 'num', render: (m) => fmtPaise(m.value_paise) },
      { label: 'Balance', className: 'num', render: (m) => fmtQty(m.balance_quantity, unit) },
      { label: 'Balance value', className: 'num', render: (m) => fmtPaise(m.balance_value_paise) },
    ],
    load: (cursor) => api('GET', '/api/v1/reports/stock-ledger', { query: { item_id: id, branch_id: branchId, from, to, limit: 50, cursor } }),
  }));
}

// ---- transfers -----------------------------------------------------------------------

export async function renderStockTransfers(main) {
  const add = session.can('stock.transfers:write') ? h('a.btn.btn-primary', { href: '#/stock-transfers/new' }, 'New transfer') : null;
  put(main, pageHeader('Stock transfers', h('a.btn', { href: '#/stock' }, 'Stock'), add));
  put(main, h('p.lede', 'Goods moved between branches registered under one GSTIN, each under a delivery challan at the sending branch\'s average cost. Between different GSTINs goods move on a tax invoice instead.'));
  const branches = await stockBranches();
  put(main, pagedTable({
    caption: 'Stock transfers',
    empty: 'No transfers yet.',
    columns: [
      { label: 'Challan', className: 'nowrap', render: (t) => h('a', { href: `#/stock-transfers/${t.id}` }, t.challan_number) },
      { label: 'Date', className: 'nowrap', render: (t) => fmtDate(t.date) },
      { label: 'From', render: (t) => stockBranchLabel(branchOf(branches, t.from_branch_id)) },
      { label: 'To', render: (t) => stockBranchLabel(branchOf(branches, t.to_branch_id)) },
      { label: 'Items', render: (t) => (t.lines || []).map((l) => `${l.description} × ${fmtQty(l.quantity, l.unit)}`).join('; ') },
      { label: 'Value', className: 'num', render: (t) => fmtPaise(t.value_paise) },
    ],
    load: (cursor) => api('GET', '/api/v1/stock-transfers', { query: { limit: 50, cursor } }),
  }));
}

export async function renderStockTransferForm(main) {
  if (!session.can('stock.transfers:write')) {
    put(main, pageHeader('New transfer'), h('p.notice', 'You do not have permission to transfer stock.'));
    return;
  }
  put(main, loading());
  let branches;
  let items;
  try {
    [branches, items] = await Promise.all([
      stockBranches(),
      session.can('sales.items:read') ? getAll('/api/v1/items') : [],
    ]);
  } catch (e) {
    put(clear(main), pageHeader('New transfer'), problemBox(e));
    return;
  }
  clear(main);
  const tracked = items.filter((i) => i.track_stock);
  const need = (label) => (v) => (String(v).trim() ? null : { message: `${label} is required` });
  const branchOptions = (blank) => [['', blank], ...branches.map((b) => [b.id, `${stockBranchLabel(b)} (${b.gstin || 'no GSTIN'})`])];
  const fromF = field({ name: 'from_branch_id', label: 'From branch', type: 'select', required: true, options: branchOptions('Choose the sending branch'), validate: need('from branch') });
  const toF = field({ name: 'to_branch_id', label: 'To branch', type: 'select', required: true, options: branchOptions('Choose the receiving branch'),
    hint: 'A branch registered under the same GSTIN.',
    validate: (v) => (!v ? { message: 'to branch is required' } : (v === fromF.input.value ? { message: 'choose a branch other than the sending one' } : null)) });
  const dateF = field({ name: 'date', label: 'Date', type: 'date', required: true, value: todayIso(), validate: need('date') });
  const notesF = field({ name: 'notes', label: 'Notes', type: 'textarea', wide: true, hint: 'e.g. the vehicle number or the reason; printed on the challan.' });
  const gstinNote = h('p.supply', { 'aria-live': 'polite', 'data-testid': 'transfer-gstin' });

  // What the sending branch holds, per item, for the lines' hints.
  let onHand = new Map();
  const fromBranch = () => branchOf(branches, fromF.input.value);
  async function loadOnHand() {
    const b = fromBranch();
    onHand = new Map();
    if (b) {
      try {
        const r = await api('GET', '/api/v1/reports/stock', { query: { branch_id: b.id } });
        for (const x of r.items || []) onHand.set(x.item_id, x);
      } catch { /* the hints stay general; the server still checks */ }
    }
    lines.forEach((l) => l.hintNow());
  }
  function gstinCheck() {
    const a = fromBranch();
    const b = branchOf(branches, toF.input.value);
    if (!a || !b) gstinNote.textContent = 'Goods move between branches of one GSTIN on a delivery challan, without tax.';
    else if (a.id === b.id) gstinNote.textContent = 'Choose two different branches.';
    else if ((a.gstin || '') === (b.gstin || '')) gstinNote.textContent = `Same GSTIN (${a.gstin || 'none'}): a delivery challan, no tax.`;
    else gstinNote.textContent = `${a.code} (${a.gstin || 'no GSTIN'}) and ${b.code} (${b.gstin || 'no GSTIN'}) are different GSTINs: moving goods between them is a supply that needs a tax invoice.`;
  }

  const linesBox = h('div.transfer-lines');
  const lines = [];
  function addLine(value = {}) {
    const line = {};
    const row = h('div.transfer-line');
    line.render = (i) => {
      const keep = { item_id: line.item ? line.item.input.value : value.item_id, quantity: line.qty ? line.qty.input.value : value.quantity };
      line.item = field({ name: `lines[${i}].item_id`, label: `Line ${i + 1} item`, type: 'select', required: true, value: keep.item_id || '',
        options: [['', tracked.length ? 'Choose an item' : 'No items keep stock'], ...tracked.map((x) => [x.id, `${x.sku} · ${x.name}`])],
        validate: (v) => (v ? null : { message: 'choose an item' }) });
      line.qty = field({ name: `lines[${i}].quantity`, label: `Line ${i + 1} quantity`, required: true, value: keep.quantity || '', hint: ' ',
        attrs: { inputmode: 'decimal', autocomplete: 'off' },
        validate: (v) => (parseQuantityMilli(v) === null ? { message: 'quantity must be a positive number with at most 3 decimals' } : null) });
      line.item.input.addEventListener('change', () => line.hintNow());
      const remove = h('button.btn.btn-small.btn-link', { type: 'button', 'aria-label': `Remove line ${i + 1}` }, 'Remove');
      remove.addEventListener('click', () => {
        lines.splice(lines.indexOf(line), 1);
        row.remove();
        redraw();
        const next = lines[Math.min(i, lines.length - 1)];
        (next ? next.item.input : addBtn).focus();
      });
      put(clear(row), line.item, line.qty, h('div.transfer-line-actions', lines.length > 1 ? remove : null));
      line.hintNow();
    };
    line.hintNow = () => {
      const hint = line.qty && line.qty.querySelector('.hint');
      if (!hint) return;
      const it = tracked.find((x) => x.id === line.item.input.value);
      const b = fromBranch();
      if (!it) hint.textContent = 'Choose an item.';
      else if (!b) hint.textContent = `In ${it.unit || 'units'}.`;
      else {
        const held = onHand.get(it.id);
        hint.textContent = held ? `On hand at ${b.code}: ${fmtQty(held.quantity, held.unit)}` : `Nothing on hand at ${b.code}.`;
      }
    };
    lines.push(line);
    put(linesBox, row);
    redraw();
    return line;
  }
  function redraw() { lines.forEach((l, i) => l.render(i)); }
  const addBtn = h('button.btn', { type: 'button' }, '+ Add line');
  addBtn.addEventListener('click', () => { const l = addLine(); l.item.input.focus(); });
  addLine();
  fromF.input.addEventListener('change', () => { gstinCheck(); loadOnHand(); });
  toF.input.addEventListener('change', gstinCheck);
  gstinCheck();

  const submit = h('button.btn.btn-primary', { type: 'submit' }, 'Make transfer');
  const form = h('form.form', { novalidate: true },
    formErrorBox(),
    h('div.form-grid', fromF, toF, dateF),
    gstinNote,
    h('fieldset.section', h('legend', 'Goods'),
      h('p.hint', tracked.length ? 'Items whose stock is kept. The value moves at the sending branch\'s average cost.' : 'No item keeps stock yet: tick "Keep stock of this item" on the Items page.'),
      linesBox, h('div.lines-actions', addBtn)),
    h('div.form-grid', notesF),
    h('div.form-actions', submit, h('a.btn', { href: '#/stock-transfers' }, 'Cancel')));
  // A refused transfer into another GSTIN: the way to do it instead.
  form._problemExtra = (e) => (e.code === 'transfer_needs_invoice' && session.can('sales.invoices:write')
    ? h('p.fix-links', 'Raise a tax invoice from the sending branch instead: ', h('a', { href: '#/invoices/new' }, 'New invoice'), '.')
    : null);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!validateForm(form)) return;
    const body = {
      from_branch_id: fromF.input.value,
      to_branch_id: toF.input.value,
      date: dateF.input.value,
      lines: lines.map((l) => ({ item_id: l.item.input.value, quantity: quantityJson(parseQuantityMilli(l.qty.input.value)) })),
    };
    const notes = notesF.input.value.trim();
    if (notes) body.notes = notes;
    try {
      const t = await busy(submit, 'Transferring…', () => api('POST', '/api/v1/stock-transfers', { body }));
      announce(`Transfer made: delivery challan ${t.challan_number}.`);
      go(`#/stock-transfers/${t.id}`);
    } catch (e) {
      applyProblem(form, e);
      const box = form.querySelector('.form-error');
      // A 409 always says in words what happened, even when its field error is shown too.
      if (e.status === 409 && box && box.hidden) {
        box.hidden = false;
        put(box, h('p', errorText(e)));
      }
      if (e.code === 'transfer_needs_invoice') {
        showError(toF.input, 'registered under another GSTIN: this needs a tax invoice, not a delivery challan');
        showError(fromF.input, '');
      }
    }
  });
  put(main, pageHeader('New transfer'), form);
}

// A transfer, shown as its delivery challan.
export async function renderStockTransfer(main, { id }) {
  put(main, loading());
  let t;
  let branches;
  let company = null;
  try {
    [t, branches, company] = await Promise.all([
      api('GET', `/api/v1/stock-transfers/${id}`),
      stockBranches(),
      session.can('org.company:read') ? api('GET', '/api/v1/company').catch(() => null) : null,
    ]);
  } catch (e) {
    put(clear(main), pageHeader('Delivery challan'), problemBox(e));
    return;
  }
  clear(main);
  const from = branchOf(branches, t.from_branch_id);
  const to = branchOf(branches, t.to_branch_id);
  const printBtn = h('button.btn', { type: 'button' }, 'Print');
  printBtn.addEventListener('click', () => window.print());
  const actions = [h('a.btn', { href: '#/stock-transfers' }, 'All transfers'), printBtn];
  if (t.journal_id && session.can('books.journals:read')) actions.push(h('a.btn', { href: `#/journals/${t.journal_id}` }, 'Journal'));
  put(main, h('div.no-print', pageHeader(`Delivery challan ${t.challan_number}`, actions)));
  const party = (heading, b, testid) => h('div.party', { 'data-testid': testid }, h('h3', heading),
    h('p.party-name', b ? stockBranchLabel(b) : 'Branch'),
    b?.address ? h('p.party-addr', b.address) : null,
    h('p', 'GSTIN: ', h('strong', b?.gstin || 'Unregistered')),
    h('p', `State: ${b ? stateName(b.state_code) : '—'}`));
  const lines = t.lines || [];
  const doc = h('article.invoice-doc', { 'aria-label': 'Delivery challan' },
    h('header.inv-head',
      h('div', h('p.inv-title', 'Delivery challan'),
        h('p.inv-seller', company?.legal_name || company?.trade_name || ''),
        h('p.hint', 'Transfer of goods between branches of one GSTIN (Rule 55, CGST Rules): not a supply, no tax charged.')),
      h('dl.inv-meta',
        h('dt', 'Challan no.'), h('dd', { 'data-testid': 'challan-number' }, t.challan_number),
        h('dt', 'Date'), h('dd', fmtDate(t.date)),
        h('dt', 'GSTIN'), h('dd', from?.gstin || '—'),
        h('dt', 'Reason'), h('dd', 'Stock transfer'))),
    h('div.parties', party('From (consignor)', from, 'challan-from'), party('To (consignee)', to, 'challan-to')),
    h('div.inv-scroll', h('table.inv-lines',
      h('caption.sr-only', `Goods on delivery challan ${t.challan_number}`),
      h('thead', h('tr', ['#', 'Description', 'HSN/SAC', 'Quantity', 'Value'].map((x, i) => h('th', { scope: 'col', class: i >= 3 ? 'num' : '' }, x)))),
      h('tbody', lines.map((l) => h('tr', { 'data-line': l.line_no },
        h('td', String(l.line_no)), h('td', l.description), h('td', l.hsn_sac || '—'),
        h('td.num', fmtQty(l.quantity, l.unit)), h('td.num', fmtPaise(l.value_paise))))),
      h('tfoot', h('tr', h('th', { scope: 'row', colspan: 4 }, 'Total value'), h('td.num', { 'data-testid': 'challan-value' }, fmtPaise(t.value_paise)))))),
    h('p.inv-words', 'Value at the sending branch\'s weighted average cost, for the movement of goods only.'),
    t.notes ? h('p.inv-notes', `Notes: ${t.notes}`) : null,
    h('footer.inv-foot',
      h('p', 'This is a computer-generated delivery challan.'),
      h('div.sign', h('p', `For ${company?.legal_name || (from ? from.name : 'the consignor')}`), h('p.sign-line', 'Authorised signatory'))));
  put(main, doc);
}

// ---- settings --------------------------------------------------------------------------

export async function renderStockSettings(main) {
  put(main, loading());
  let s;
  try {
    s = await api('GET', '/api/v1/stock/settings');
  } catch (e) {
    put(clear(main), pageHeader('Stock settings'), problemBox(e));
    return;
  }
  clear(main);
  const reload = () => go(`#/stock-settings?t=${Date.now()}`);
  put(main, pageHeader('Stock settings'));
  const status = h('p', { 'data-testid': 'negative-stock-status' }, s.allow_negative_stock
    ? ['Negative stock is ', h('strong', 'allowed'), ': invoices, transfers and cancellations may take out more than a branch holds; what goes beyond is valued at the last receipt\'s cost.']
    : ['Negative stock is ', h('strong', 'refused'), ': taking out more than a branch holds is refused ("Insufficient stock").']);
  const panel = h('section.panel', { 'aria-labelledby': 'neg-h' }, h('h2', { id: 'neg-h' }, 'Negative stock'), status);
  if (session.can('stock.settings:write')) {
    const allow = field({ name: 'allow_negative_stock', label: 'Allow negative stock', type: 'checkbox', value: s.allow_negative_stock,
      hint: 'Leave it off unless goods are sometimes invoiced before their bill is entered.' });
    const form = simpleForm({
      fields: [allow],
      submitLabel: 'Save',
      onSubmit: async () => {
        const r = await api('PUT', '/api/v1/stock/settings', { body: { allow_negative_stock: allow.input.checked }, headers: { 'If-Match': `"${s.version}"` } });
        announce(r.allow_negative_stock ? 'Negative stock is now allowed.' : 'Negative stock is now refused.');
        reload();
      },
    });
    form.classList.add('narrow');
    put(panel, form);
  }
  put(main, panel);
}
