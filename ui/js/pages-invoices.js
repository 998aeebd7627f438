// Invoices: list with filters, create/edit drafts with live GST totals computed like
// the server, issue, cancel, payments (with an Idempotency-Key), documents, print view.

import { h, put, clear, fmtPaise, fmtDate, fmtRate, todayIso, addDaysIso, newUuid, titleCase, methodName } from './util.js';
import { api, session, getAll, download } from './api.js';
import {
  pageHeader, pagedTable, announce, field, formErrorBox, clearErrors, validateForm, applyProblem,
  busy, problemBox, loading, badge, dl, errorText, confirmDialog, openDialog, table,
} from './components.js';
import {
  invoiceTotals, parseQuantityMilli, quantityJson, parseRupees, paiseToInput, amountInWords, taxMode, taxModeOf,
} from './money.js';
import { go } from './router.js';
import { documentsSection } from './files.js';
import { stateName } from './pages-branches.js';
import { registrationName } from './pages-sales.js';

const LUT_TEXT = 'Supply meant for export / supply to SEZ unit or SEZ developer for authorised operations under bond or letter of undertaking without payment of integrated tax';
const COPIES = [['original', 'Original for recipient'], ['duplicate', 'Duplicate for transporter'], ['triplicate', 'Triplicate for supplier']];

// "Download PDF" with a copy selector, for an issued or cancelled document:
// kind is 'invoices', 'credit-notes' or 'debit-notes'.
export function pdfControls(kind, doc) {
  const id = `pdf-copy-${kind}`;
  const copy = h('select', { id, name: 'copy' }, COPIES.map(([v, l]) => h('option', { value: v }, l)));
  const btn = h('button.btn', { type: 'button' }, 'Download PDF');
  btn.addEventListener('click', async () => {
    const fallback = `${String(doc.number || doc.id).replace(/[^A-Za-z0-9-]+/g, '-')}-${copy.value}.pdf`;
    try {
      await busy(btn, 'Downloading…', () => download(`/api/v1/${kind}/${doc.id}/pdf?copy=${copy.value}`, fallback));
    } catch (e) {
      announce(`PDF download failed: ${errorText(e)}`, 'error');
    }
  });
  return h('span.pdf-controls', h('label.sr-only', { for: id }, 'PDF copy'), copy, btn);
}

// Seller and buyer as printed: the copies frozen at issue, else (drafts) the live records.
export function sellerOf(doc, branch) {
  if (doc.seller) return { ...doc.seller, name: doc.seller.legal_name || doc.seller.trade_name, frozen: true };
  return branch ? { name: branch.name, gstin: branch.gstin, address: branch.address, state_code: branch.state_code, frozen: false } : null;
}
export function buyerOf(doc, customer) {
  if (doc.buyer) return { ...doc.buyer, frozen: true };
  return customer ? { name: customer.name, gstin: customer.gstin, billing_address: customer.billing_address, state_code: customer.state_code, registration: customer.registration, frozen: false } : null;
}
export function placeOfSupply(doc, customer) {
  if (doc.place_of_supply) return `${doc.place_of_supply.code} · ${doc.place_of_supply.name || stateName(doc.place_of_supply.code).replace(/^\d+ · /, '')}`;
  if (doc.supply_type === 'export' || customer?.registration === 'export') return stateName('96');
  return customer ? stateName(customer.state_code) : '—';
}
const SUPPLY_WORDS = { regular: 'Regular (B2B)', unregistered: 'Unregistered buyer (B2C)', sez: 'Supply to SEZ', export: 'Export' };
export function supplyWords(doc) {
  const base = SUPPLY_WORDS[doc.supply_type] || (doc.supply_type ? titleCase(doc.supply_type) : '—');
  return doc.lut && (doc.supply_type === 'sez' || doc.supply_type === 'export') ? `${base} — zero-rated under LUT` : base;
}

const refCache = {};
async function refList(kind, perm) {
  if (!session.can(perm)) return [];
  if (!refCache[kind]) refCache[kind] = getAll(`/api/v1/${kind}`).catch((e) => { delete refCache[kind]; throw e; });
  return refCache[kind];
}
export function forgetRefs() { for (const k of Object.keys(refCache)) delete refCache[k]; }
const byId = (list, id) => list.find((x) => x.id === id);

function customerName(inv, customers) {
  return inv.customer_name || inv.customer?.name || byId(customers, inv.customer_id)?.name || '—';
}

export async function renderInvoices(main, _p, query) {
  forgetRefs();
  const canWrite = session.can('sales.invoices:write');
  put(main, pageHeader('Invoices', canWrite ? h('a.btn.btn-primary', { href: '#/invoices/new' }, 'New invoice') : null));
  let customers = [];
  let branches = [];
  try {
    [customers, branches] = await Promise.all([refList('customers', 'sales.customers:read'), refList('branches', 'org.branches:read')]);
  } catch { /* names fall back to ids */ }
  const state = { status: query.get('status') || '', customer_id: '', branch_id: '', from: '', to: '' };
  const f = {
    status: field({ name: 'status', label: 'Status', type: 'select', value: state.status, options: [['', 'Any status'], ...['draft', 'issued', 'partially_paid', 'paid', 'cancelled'].map((s) => [s, titleCase(s)])] }),
    customer_id: field({ name: 'customer_id', label: 'Customer', type: 'select', options: [['', 'All customers'], ...customers.map((c) => [c.id, c.name])] }),
    branch_id: field({ name: 'branch_id', label: 'Branch', type: 'select', options: [['', 'All branches'], ...branches.map((b) => [b.id, `${b.code} · ${b.name}`])] }),
    from: field({ name: 'from', label: 'From date', type: 'date' }),
    to: field({ name: 'to', label: 'To date', type: 'date' }),
  };
  const filters = h('form.filters', { role: 'search', 'aria-label': 'Filter invoices' }, Object.values(f),
    h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Apply'), h('button.btn.btn-link', { type: 'reset' }, 'Clear')));
  let list;
  const apply = () => { for (const [k, x] of Object.entries(f)) state[k] = x.input.value; list.reload(true); };
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
  filters.addEventListener('reset', () => setTimeout(apply, 0));
  put(main, filters);
  list = pagedTable({
    caption: 'Invoices',
    empty: 'No invoices match.',
    columns: [
      { label: 'Invoice', render: (r) => h('a', { href: `#/invoices/${r.id}` }, r.number || 'Draft') },
      { label: 'Date', className: 'nowrap', render: (r) => fmtDate(r.invoice_date) },
      { label: 'Due', className: 'nowrap', render: (r) => fmtDate(r.due_date) },
      { label: 'Customer', render: (r) => customerName(r, customers) },
      { label: 'Branch', render: (r) => byId(branches, r.branch_id)?.code || '—' },
      { label: 'Status', render: (r) => badge(r.status) },
      { label: 'Total', className: 'num', render: (r) => fmtPaise(r.grand_total_paise) },
      { label: 'Balance', className: 'num', render: (r) => fmtPaise(r.balance_due_paise) },
    ],
    load: (cursor) => api('GET', '/api/v1/invoices', { query: { ...state, limit: 50, cursor } }),
  });
  put(main, list);
}

// ---- create / edit -----------------------------------------------------------------

export async function renderInvoiceForm(main, { id }) {
  put(main, loading());
  let inv = null;
  let branches;
  let customers;
  let items;
  try {
    if (id) inv = await api('GET', `/api/v1/invoices/${id}`);
    [branches, customers, items] = await Promise.all([
      refList('branches', 'org.branches:read'), refList('customers', 'sales.customers:read'), refList('items', 'sales.items:read'),
    ]);
  } catch (e) {
    put(clear(main), pageHeader(id ? 'Edit invoice' : 'New invoice'), problemBox(e));
    return;
  }
  clear(main);
  if (inv && inv.status !== 'draft') {
    put(main, pageHeader('Edit invoice'), h('p.problem', { role: 'alert' }, 'Only draft invoices can be edited.'));
    return;
  }
  const need = (label) => (v) => (String(v).trim() ? null : { message: `${label} is required` });
  const today = todayIso();
  const f = {
    branch: field({ name: 'branch_id', label: 'Branch (seller)', type: 'select', required: true, value: inv?.branch_id || (branches.length === 1 ? branches[0].id : ''), options: [['', 'Choose a branch'], ...branches.map((b) => [b.id, `${b.code} · ${b.name} (${b.state_code})`])], validate: need('branch') }),
    customer: field({ name: 'customer_id', label: 'Customer (buyer)', type: 'select', required: true, value: inv?.customer_id, options: [['', 'Choose a customer'], ...customers.map((c) => [c.id, `${c.name}${c.gstin ? ` · ${c.gstin}` : ''} (${c.state_code})`])], validate: need('customer') }),
    date: field({ name: 'invoice_date', label: 'Invoice date', type: 'date', required: true, value: inv?.invoice_date || today, validate: need('invoice date') }),
    due: field({ name: 'due_date', label: 'Due date', type: 'date', required: true, value: inv?.due_date || addDaysIso(today, 30), validate: (v) => (!v ? { message: 'due date is required' } : (v < f.date.input.value ? { message: 'due date cannot be before the invoice date' } : null)) }),
    notes: field({ name: 'notes', label: 'Notes', type: 'textarea', value: inv?.notes, rows: 5 }),
  };
  const lut = field({ name: 'lut', label: 'Zero-rated under LUT (no IGST)', type: 'checkbox', value: inv?.lut, hint: 'Export or supply to an SEZ under bond or letter of undertaking.' });
  const reverse = field({ name: 'reverse_charge', label: 'Tax payable on reverse charge', type: 'checkbox', value: inv?.reverse_charge });
  const supply = h('p.supply', { 'aria-live': 'polite' });
  const linesBody = h('tbody');
  const totalsBox = h('div.totals', { 'aria-live': 'polite', 'aria-atomic': 'true', 'data-testid': 'live-totals' });
  const rows = [];

  const zeroRatable = () => ['sez', 'export'].includes(byId(customers, f.customer.input.value)?.registration);
  // How GST applies, as the server decides it from the customer's registration.
  const currentMode = () => {
    const b = byId(branches, f.branch.input.value);
    const c = byId(customers, f.customer.input.value);
    if (!c || (!b && !['sez', 'export'].includes(c.registration))) return null;
    return taxMode(b?.state_code, c.state_code, c.registration, zeroRatable() && lut.input.checked);
  };

  function recompute() {
    lut.hidden = !zeroRatable();
    const c = byId(customers, f.customer.input.value);
    const mode = currentMode();
    const special = c?.registration === 'sez' ? 'Supply to an SEZ: always inter-state, ' : (c?.registration === 'export' ? 'Export (place of supply 96 · Other Countries): ' : '');
    supply.textContent = mode === null ? 'Choose a branch and a customer to see how GST applies.'
      : mode === 'zero' ? `${special}zero-rated under LUT — no tax is charged.`
        : special ? `${special}IGST.`
          : (mode === 'intra' ? 'Intra-state supply: CGST + SGST (branch and customer are in the same state).' : 'Inter-state supply: IGST (branch and customer are in different states).');
    const parsed = rows.map((r) => r.read());
    const good = parsed.filter(Boolean);
    const t = invoiceTotals(good, mode || 'intra');
    let gi = 0;
    rows.forEach((r, i) => {
      if (parsed[i]) { r.show(t.lines[gi]); gi += 1; } else r.show(null);
    });
    const intraHeads = mode === null || mode === 'intra';
    put(clear(totalsBox), 
      h('dl.totals-list',
        h('dt', 'Taxable value'), h('dd', { 'data-total': 'taxable' }, fmtPaise(t.taxable)),
        intraHeads ? [h('dt', 'CGST'), h('dd', { 'data-total': 'cgst' }, fmtPaise(t.cgst)), h('dt', 'SGST'), h('dd', { 'data-total': 'sgst' }, fmtPaise(t.sgst))] : null,
        !intraHeads ? [h('dt', mode === 'zero' ? 'IGST (zero-rated, LUT)' : 'IGST'), h('dd', { 'data-total': 'igst' }, fmtPaise(t.igst))] : null,
        h('dt', 'Round off'), h('dd', { 'data-total': 'round_off' }, fmtPaise(t.roundOff)),
        h('dt.grand', 'Grand total'), h('dd.grand', { 'data-total': 'grand' }, fmtPaise(t.grand))),
      h('p.words', amountInWords(t.grand)));
  }

  function reindex() {
    rows.forEach((r, i) => r.setIndex(i));
  }

  function addLine(line) {
    const tr = h('tr.line');
    const itemSel = h('select', { 'aria-label': 'Item' }, h('option', { value: '' }, 'Choose an item'),
      items.map((it) => h('option', { value: it.id, selected: line && line.item_id === it.id }, `${it.sku} · ${it.name}`)));
    const qty = h('input', { type: 'text', inputmode: 'decimal', 'aria-label': 'Quantity', value: line ? String(line.quantity) : '1', class: 'in-qty' });
    const price = h('input', { type: 'text', inputmode: 'decimal', 'aria-label': 'Unit price in rupees', value: line ? paiseToInput(line.unit_price_paise) : '', class: 'in-money' });
    const disc = h('input', { type: 'text', inputmode: 'decimal', 'aria-label': 'Discount in rupees', value: line && line.discount_paise ? paiseToInput(line.discount_paise) : '', placeholder: '0.00', class: 'in-money' });
    const err = h('p.field-error', { hidden: true });
    const rate = h('td.num');
    const taxable = h('td.num');
    const tax = h('td.num');
    const total = h('td.num');
    const remove = h('button.btn.btn-small.btn-link', { type: 'button' }, 'Remove');
    put(tr, h('td', itemSel, err), h('td', qty), h('td', price), h('td', disc), rate, taxable, tax, total, h('td', remove));
    put(linesBody, tr);
    const row = {
      tr,
      item: () => byId(items, itemSel.value),
      setIndex(i) {
        for (const [el, name, label] of [[itemSel, 'item_id', 'Item'], [qty, 'quantity', 'Quantity'], [price, 'unit_price_paise', 'Unit price'], [disc, 'discount_paise', 'Discount']]) {
          el.dataset.field = `lines[${i}].${name}`;
          el.id = `line-${i}-${name}`;
          el.setAttribute('aria-label', `Line ${i + 1} ${label.toLowerCase()}`);
          el.setAttribute('aria-describedby', `line-${i}-err`);
        }
        err.id = `line-${i}-err`;
        remove.setAttribute('aria-label', `Remove line ${i + 1}`);
      },
      read() {
        const it = row.item();
        const q = parseQuantityMilli(qty.value);
        const p = price.value.trim() === '' ? (it ? BigInt(it.unit_price_paise) : null) : parseRupees(price.value);
        const d = parseRupees(disc.value) ?? 0n;
        if (!it || q === null || p === null || p === undefined || d === undefined) return null;
        return { quantityMilli: q, unitPricePaise: p, discountPaise: d, rateBp: it.gst_rate_bp };
      },
      show(l) {
        const it = row.item();
        rate.textContent = it ? fmtRate(it.gst_rate_bp) : '—';
        taxable.textContent = l ? fmtPaise(l.taxable) : '—';
        tax.textContent = l ? fmtPaise(l.cgst + l.sgst + l.igst) : '—';
        total.textContent = l ? fmtPaise(l.total) : '—';
      },
      check() {
        const problems = [];
        if (!row.item()) problems.push(['item_id', 'choose an item']);
        if (parseQuantityMilli(qty.value) === null) problems.push(['quantity', 'quantity must be a positive number with at most 3 decimals']);
        if (price.value.trim() !== '' && (parseRupees(price.value) === undefined)) problems.push(['unit_price_paise', 'unit price must be an amount in rupees']);
        if (parseRupees(disc.value) === undefined) problems.push(['discount_paise', 'discount must be an amount in rupees']);
        return problems;
      },
      body() {
        const it = row.item();
        const out = { item_id: it.id, quantity: quantityJson(parseQuantityMilli(qty.value)) };
        out.unit_price_paise = Number(price.value.trim() === '' ? BigInt(it.unit_price_paise) : parseRupees(price.value));
        const d = parseRupees(disc.value);
        if (d) out.discount_paise = Number(d);
        return out;
      },
      err,
      inputs: [itemSel, qty, price, disc],
    };
    itemSel.addEventListener('change', () => {
      const it = row.item();
      if (it) price.value = paiseToInput(it.unit_price_paise);
      recompute();
    });
    for (const el of [qty, price, disc]) el.addEventListener('input', recompute);
    remove.addEventListener('click', () => {
      const i = rows.indexOf(row);
      rows.splice(i, 1);
      tr.remove();
      reindex();
      recompute();
      const next = rows[Math.min(i, rows.length - 1)];
      (next ? next.inputs[0] : addBtn).focus();
    });
    rows.push(row);
    reindex();
    return row;
  }

  const addBtn = h('button.btn', { type: 'button' }, '+ Add line');
  addBtn.addEventListener('click', () => { const r = addLine(null); recompute(); r.inputs[0].focus(); });
  for (const el of [f.branch.input, f.customer.input, lut.input]) el.addEventListener('change', recompute);

  if (inv && Array.isArray(inv.lines)) inv.lines.forEach((l) => addLine(l));
  else addLine(null);
  recompute();

  const submit = h('button.btn.btn-primary', { type: 'submit' }, inv ? 'Save draft' : 'Create draft invoice');
  const form = h('form.form', { novalidate: true },
    formErrorBox(),
    h('div.form-grid', f.branch, f.customer, f.date, f.due),
    supply,
    h('div.form-grid.checks', lut, reverse),
    h('fieldset.section', h('legend', 'Lines'),
      h('div.table-wrap', h('table.table.lines-table', h('caption.sr-only', 'Invoice lines'),
        h('thead', h('tr', ['Item', 'Quantity', 'Unit price (₹)', 'Discount (₹)', 'GST', 'Taxable', 'Tax', 'Line total', ''].map((t) => h('th', { scope: 'col' }, t)))),
        linesBody)),
      h('div.lines-actions', addBtn)),
    h('div.form-bottom', f.notes, totalsBox),
    h('div.form-actions', submit, h('a.btn', { href: inv ? `#/invoices/${inv.id}` : '#/invoices' }, 'Cancel')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    rows.forEach((r) => { r.err.hidden = true; r.err.textContent = ''; r.inputs.forEach((i) => i.removeAttribute('aria-invalid')); });
    let ok = validateForm(form);
    if (!rows.length) { applyProblem(form, { errors: [] }); announce('Add at least one line.', 'error'); addBtn.focus(); return; }
    let firstBad = null;
    rows.forEach((r) => {
      const problems = r.check();
      if (problems.length) {
        r.err.textContent = problems.map((p) => p[1]).join('; ');
        r.err.hidden = false;
        for (const [name] of problems) {
          const el = r.inputs.find((i) => i.dataset.field.endsWith(`.${name}`));
          el.setAttribute('aria-invalid', 'true');
          if (!firstBad) firstBad = el;
        }
      }
    });
    if (firstBad) { ok = false; if (form.contains(document.activeElement) && document.activeElement.getAttribute('aria-invalid') !== 'true') firstBad.focus(); }
    if (!ok) return;
    const body = {
      branch_id: f.branch.input.value,
      customer_id: f.customer.input.value,
      invoice_date: f.date.input.value,
      due_date: f.due.input.value,
      lines: rows.map((r) => r.body()),
      notes: f.notes.input.value.trim() || null,
      lut: zeroRatable() && lut.input.checked,
      reverse_charge: reverse.input.checked,
    };
    try {
      const saved = await busy(submit, 'Saving…', () => (inv
        ? api('PATCH', `/api/v1/invoices/${inv.id}`, { body, headers: { 'If-Match': `"${inv.version}"` } })
        : api('POST', '/api/v1/invoices', { body })));
      announce(inv ? 'Draft saved.' : 'Draft invoice created.');
      go(`#/invoices/${saved.id}`);
    } catch (e) {
      applyProblem(form, e);
      // Field errors for lines go to the row's message line.
      for (const fe of (e.errors || [])) {
        const m = /^lines\[(\d+)\]\.?(\w+)?/.exec(fe.field || '');
        if (!m || !rows[Number(m[1])]) continue;
        const r = rows[Number(m[1])];
        r.err.textContent = [r.err.textContent, fe.message].filter(Boolean).join('; ');
        r.err.hidden = false;
        const el = r.inputs.find((i) => i.dataset.field.endsWith(`.${m[2]}`)) || r.inputs[0];
        el.setAttribute('aria-invalid', 'true');
      }
    }
  });
  put(main, pageHeader(inv ? 'Edit draft invoice' : 'New invoice'), form);
}

// ---- detail ------------------------------------------------------------------------

async function loadPayments(inv) {
  if (Array.isArray(inv.payments)) return inv.payments;
  if (!session.can('sales.payments:read')) return [];
  const page = await api('GET', '/api/v1/payments', { query: { invoice_id: inv.id, limit: 200 } });
  return (page.items || []).filter((p) => p.invoice_id === inv.id);
}

export async function renderInvoice(main, { id }) {
  put(main, loading());
  let inv;
  let branch = null;
  let customer = null;
  let items = [];
  try {
    inv = await api('GET', `/api/v1/invoices/${id}`);
    [branch, customer, items] = await Promise.all([
      session.can('org.branches:read') ? api('GET', `/api/v1/branches/${inv.branch_id}`).catch(() => null) : null,
      session.can('sales.customers:read') ? api('GET', `/api/v1/customers/${inv.customer_id}`).catch(() => null) : null,
      refList('items', 'sales.items:read').catch(() => []),
    ]);
  } catch (e) {
    put(clear(main), pageHeader('Invoice'), problemBox(e));
    return;
  }
  clear(main);
  const paid = BigInt(inv.amount_paid_paise || 0);
  const actions = [];
  const reload = () => go(`#/invoices/${inv.id}?t=${Date.now()}`);
  if (inv.status === 'draft' && session.can('sales.invoices:write')) {
    actions.push(h('a.btn', { href: `#/invoices/${inv.id}/edit` }, 'Edit'));
  }
  if (inv.status === 'draft' && session.can('sales.invoices:issue')) {
    const issue = h('button.btn.btn-primary', { type: 'button' }, 'Issue');
    issue.addEventListener('click', async () => {
      const ok = await confirmDialog('Issue invoice', 'Issuing assigns the next invoice number for this branch and financial year and freezes the seller, buyer and place of supply as they are now. The invoice can no longer be edited.', {
        confirmLabel: 'Issue invoice', focusCancel: true, action: () => api('POST', `/api/v1/invoices/${inv.id}/issue`), problemExtra: sellerFixLinks,
      });
      if (ok) { announce(`Invoice issued: ${ok.number || ''}`); reload(); }
    });
    actions.push(issue);
  }
  if (inv.status === 'draft' && session.can('sales.invoices:write')) {
    const del = h('button.btn.btn-danger', { type: 'button' }, 'Delete draft');
    del.addEventListener('click', async () => {
      const ok = await confirmDialog('Delete draft', 'Delete this draft invoice?', { confirmLabel: 'Delete', danger: true, focusCancel: true, action: () => api('DELETE', `/api/v1/invoices/${inv.id}`) });
      if (ok) { announce('Draft deleted.'); go('#/invoices'); }
    });
    actions.push(del);
  }
  if (['issued', 'partially_paid'].includes(inv.status) && session.can('sales.payments:write')) {
    const pay = h('button.btn.btn-primary', { type: 'button' }, 'Record payment');
    pay.addEventListener('click', () => paymentDialog(inv, reload, customer));
    actions.push(pay);
  }
  const notable = ['issued', 'partially_paid', 'paid'].includes(inv.status);
  if (notable && session.can('sales.credit_notes:write')) actions.push(h('a.btn', { href: `#/credit-notes/new?invoice_id=${inv.id}` }, 'New credit note'));
  if (notable && session.can('sales.debit_notes:write')) actions.push(h('a.btn', { href: `#/debit-notes/new?invoice_id=${inv.id}` }, 'New debit note'));
  if (inv.status === 'issued' && paid === 0n && session.can('sales.invoices:cancel')) {
    const cancel = h('button.btn.btn-danger', { type: 'button' }, 'Cancel invoice');
    cancel.addEventListener('click', async () => {
      const ok = await confirmDialog('Cancel invoice', 'A cancelled invoice keeps its number but is no longer due.', {
        confirmLabel: 'Cancel invoice', danger: true, focusCancel: true, reasonLabel: 'Reason for cancelling',
        action: (reason) => api('POST', `/api/v1/invoices/${inv.id}/cancel`, { body: { reason } }),
      });
      if (ok) { announce('Invoice cancelled.'); reload(); }
    });
    actions.push(cancel);
  }
  actions.push(h('a.btn', { href: `#/invoices/${inv.id}/print` }, 'Print view'));
  if (inv.status !== 'draft') actions.push(pdfControls('invoices', inv));
  put(main, pageHeader(inv.number ? `Invoice ${inv.number}` : 'Draft invoice', actions));
  const intra = modeOf(inv, branch, customer);
  const seller = sellerOf(inv, branch);
  const buyer = buyerOf(inv, customer);
  put(main, h('div.detail-grid',
    h('section.panel', { 'aria-label': 'Summary' }, h('h2', 'Summary'), dl([
      ['Status', badge(inv.status)],
      ['Invoice date', fmtDate(inv.invoice_date)],
      ['Due date', fmtDate(inv.due_date)],
      ['Branch', branch ? h('a', { href: `#/branches/${branch.id}` }, `${branch.code} · ${branch.name}`) : inv.branch_id],
      ['Customer', customer ? h('a', { href: `#/customers/${customer.id}` }, customer.name) : (inv.customer_name || inv.customer_id)],
      ['Supply type', h('span', { 'data-testid': 'supply-type' }, supplyWords(inv))],
      ['Place of supply', h('span', { 'data-testid': 'place-of-supply' }, placeOfSupply(inv, customer))],
      ['Reverse charge', inv.reverse_charge ? 'Yes' : 'No'],
      ['Grand total', h('strong', fmtPaise(inv.grand_total_paise))],
      inv.debited_paise ? ['Debit notes', fmtPaise(inv.debited_paise)] : null,
      inv.credited_paise ? ['Credit notes', `−${fmtPaise(inv.credited_paise)}`] : null,
      ['Paid', fmtPaise(inv.amount_paid_paise)],
      ['Balance due', h('strong', { 'data-testid': 'balance' }, fmtPaise(inv.balance_due_paise))],
      inv.cancel_reason ? ['Cancel reason', inv.cancel_reason] : null,
      inv.notes ? ['Notes', inv.notes] : null,
    ])),
    h('section.panel', { 'aria-label': 'Totals' }, h('h2', 'Totals'), totalsDl(inv, intra),
      intra === 'zero' ? h('p.hint.lut-text', LUT_TEXT) : null)));
  put(main, h('div.detail-grid',
    partyPanel('Seller', seller, 'seller'),
    partyPanel('Buyer', buyer, 'buyer')));
  put(main, h('section.panel', { 'aria-label': 'Lines' }, h('h2', 'Lines'), linesTable(inv, items, intra)));
  if (inv.status !== 'draft') put(main, notesSection(inv));
  const paySection = h('section.panel', { 'aria-label': 'Payments' }, h('h2', 'Payments'), loading());
  put(main, paySection);
  loadPayments(inv).then((pays) => {
    put(clear(paySection), h('h2', 'Payments'), table([
      { label: 'Received on', render: (p) => fmtDate(p.received_on) },
      { label: 'Method', render: (p) => methodName(p.method) },
      { label: 'Reference', render: (p) => p.reference || '—' },
      { label: 'Amount', className: 'num', render: (p) => fmtPaise(p.amount_paise) },
    ], pays, { empty: 'No payments yet.' }));
  }).catch((e) => put(clear(paySection), h('h2', 'Payments'), problemBox(e)));
  put(main, documentsSection({ entity: 'invoice', entityId: inv.id, record: inv, canUpload: session.can('sales.invoices:write') }));
}

// How GST applied: as the server decided it (supply_type, lut), else from the states.
// Returns 'intra', 'inter' or 'zero'.
export function modeOf(inv, branch, customer) {
  const m = taxModeOf(inv);
  if (m) return m;
  if (branch && customer) return taxMode(branch.state_code, customer.state_code, customer.registration, inv.lut) || 'inter';
  return 'intra';
}

// Links to what a seller_incomplete problem asks to fix.
export function sellerFixLinks(e) {
  if (e.code !== 'seller_incomplete') return null;
  return h('p.fix-links', 'Complete the ', h('a', { href: '#/company' }, 'company profile'), ' and the ', h('a', { href: '#/branches' }, 'branch'), ', then issue again.');
}

export function partyPanel(title, p, key) {
  const frozen = p?.frozen;
  return h('section.panel', { 'aria-label': title, 'data-testid': key },
    h('h2', title, h('span.muted.small', frozen ? ' (as issued)' : ' (current details; frozen at issue)')),
    p ? dl([
      ['Name', p.name || '—'],
      p.trade_name && p.trade_name !== p.name ? ['Trade name', p.trade_name] : null,
      ['GSTIN', p.gstin || (key === 'seller' ? 'None (a branch needs a GSTIN to issue)' : (p.registration === 'export' ? 'Export — no GSTIN' : 'Unregistered'))],
      p.pan ? ['PAN', p.pan] : null,
      ['Address', p.address || p.billing_address || '—'],
      ['State', p.state_name ? `${p.state_code} · ${p.state_name}` : stateName(p.state_code)],
      p.registration ? ['Registration', registrationName(p.registration)] : null,
    ]) : h('p.muted', 'Not available.'));
}

// Credit and debit notes raised against an issued invoice.
function notesSection(inv) {
  const box = h('section.panel', { 'aria-labelledby': 'inv-notes-h' }, h('h2', { id: 'inv-notes-h' }, 'Credit and debit notes'), loading());
  const kinds = [['credit-notes', 'Credit note', 'sales.credit_notes:read'], ['debit-notes', 'Debit note', 'sales.debit_notes:read']].filter(([, , p]) => session.can(p));
  Promise.all(kinds.map(([k, label]) => api('GET', `/api/v1/${k}`, { query: { invoice_id: inv.id, limit: 200 } })
    .then((pg) => (pg.items || []).map((n) => ({ ...n, _kind: k, _label: label })))))
    .then((lists) => {
      const notes = lists.flat().sort((a, b) => String(a.created_at || a.note_date).localeCompare(String(b.created_at || b.note_date)));
      put(clear(box), h('h2', { id: 'inv-notes-h' }, 'Credit and debit notes'), table([
        { label: 'Note', render: (n) => h('a', { href: `#/${n._kind}/${n.id}` }, n.number || `Draft ${n._label.toLowerCase()}`) },
        { label: 'Type', render: (n) => n._label },
        { label: 'Date', className: 'nowrap', render: (n) => fmtDate(n.note_date) },
        { label: 'Reason', render: (n) => titleCase(n.reason) },
        { label: 'Status', render: (n) => badge(n.status) },
        { label: 'Total', className: 'num', render: (n) => fmtPaise(noteTotal(n)) },
      ], notes, { caption: 'Notes against this invoice', empty: 'No credit or debit notes.' }));
    })
    .catch((e) => put(clear(box), h('h2', { id: 'inv-notes-h' }, 'Credit and debit notes'), problemBox(e)));
  return box;
}

export function noteTotal(n) {
  return n.grand_total_paise ?? n.total_paise ?? n.amount_paise ?? null;
}

export function totalsDl(inv, mode) {
  const intra = mode === 'intra' || mode === true;
  return h('dl.totals-list',
    h('dt', 'Taxable value'), h('dd', fmtPaise(inv.taxable_total_paise)),
    intra ? [h('dt', 'CGST'), h('dd', fmtPaise(inv.cgst_total_paise)), h('dt', 'SGST'), h('dd', fmtPaise(inv.sgst_total_paise))]
      : [h('dt', mode === 'zero' ? 'IGST (zero-rated, LUT)' : 'IGST'), h('dd', { 'data-testid': 'igst-total' }, fmtPaise(inv.igst_total_paise || 0))],
    h('dt', 'Round off'), h('dd', fmtPaise(inv.round_off_paise || 0)),
    h('dt.grand', 'Grand total'), h('dd.grand', { 'data-testid': 'grand-total' }, fmtPaise(inv.grand_total_paise ?? noteTotal(inv))));
}

export function lineInfo(l, items) {
  const it = byId(items, l.item_id) || l.item || {};
  return {
    name: l.item_name || l.description || l.name || it.name || l.item_id,
    sku: l.sku || it.sku || '',
    hsn: l.hsn_sac || it.hsn_sac || '—',
    unit: l.unit || it.unit || '',
    rate: l.gst_rate_bp ?? it.gst_rate_bp,
  };
}

function linesTable(inv, items, mode) {
  const intra = mode === 'intra' || mode === true;
  return table([
    { label: 'Item', render: (l) => lineInfo(l, items).name },
    { label: 'HSN/SAC', render: (l) => lineInfo(l, items).hsn },
    { label: 'Qty', className: 'num', render: (l) => `${l.quantity} ${lineInfo(l, items).unit}` },
    { label: 'Unit price', className: 'num', render: (l) => fmtPaise(l.unit_price_paise) },
    { label: 'Discount', className: 'num', render: (l) => fmtPaise(l.discount_paise || 0) },
    { label: 'Taxable', className: 'num', render: (l) => fmtPaise(l.taxable_paise) },
    { label: 'GST', className: 'num', render: (l) => fmtRate(lineInfo(l, items).rate) },
    ...(intra ? [
      { label: 'CGST', className: 'num', render: (l) => fmtPaise(l.cgst_paise) },
      { label: 'SGST', className: 'num', render: (l) => fmtPaise(l.sgst_paise) },
    ] : [{ label: 'IGST', className: 'num', render: (l) => fmtPaise(l.igst_paise) }]),
  ], inv.lines || [], { caption: 'Invoice lines' });
}

// A payment: one Idempotency-Key per attempt; an identical retry (e.g. after a network
// failure) reuses it so the server answers with the original payment.
// With customer credit (credit notes beyond an earlier invoice's balance), the method
// "From customer credit" uses it, up to the credit balance.
function paymentDialog(inv, done, customer) {
  let key = newUuid();
  let lastBody = null;
  const credit = BigInt(customer?.credit_balance_paise || 0);
  const balance = BigInt(inv.balance_due_paise);
  const methods = [['cash', 'Cash'], ['upi', 'UPI'], ['bank_transfer', 'Bank transfer'], ['card', 'Card'], ['cheque', 'Cheque']];
  if (credit > 0n) methods.push(['credit', 'From customer credit']);
  const method = field({ name: 'method', label: 'Method', type: 'select', required: true, value: 'upi', options: methods });
  const amount = field({ name: 'amount_paise', label: 'Amount (₹)', required: true, value: paiseToInput(inv.balance_due_paise), attrs: { inputmode: 'decimal' }, hint: `Balance due ${fmtPaise(inv.balance_due_paise)}`, validate: (v) => {
    const p = parseRupees(v);
    if (p === undefined || p === null || p <= 0n) return { message: 'enter an amount in rupees greater than zero' };
    if (p > balance) return { message: `cannot exceed the balance due of ${fmtPaise(inv.balance_due_paise)}` };
    if (method.input.value === 'credit' && p > credit) return { message: `cannot exceed the customer's credit of ${fmtPaise(credit)}` };
    return null;
  } });
  method.input.addEventListener('change', () => {
    if (method.input.value === 'credit') amount.input.value = paiseToInput(credit < balance ? credit : balance);
  });
  const creditNote = customer ? h('p.hint', { 'data-testid': 'customer-credit' }, `${customer.name} has ${fmtPaise(credit)} of credit${credit > 0n ? ' (choose "From customer credit" to use it)' : ''}.`) : null;
  const reference = field({ name: 'reference', label: 'Reference', hint: 'UTR, cheque number or receipt number' });
  const received = field({ name: 'received_on', label: 'Received on', type: 'date', required: true, value: todayIso(), validate: (v) => (v ? null : { message: 'date is required' }) });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, 'Record payment');
  const cancel = h('button.btn', { type: 'button' }, 'Cancel');
  const form = h('form.form', { novalidate: true }, formErrorBox(), creditNote, h('div.form-grid', amount, method, reference, received), h('div.form-actions', submit, cancel));
  const { close } = openDialog(`Record payment${inv.number ? ` for ${inv.number}` : ''}`, form);
  cancel.addEventListener('click', close);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!validateForm(form)) return;
    const body = {
      invoice_id: inv.id,
      amount_paise: Number(parseRupees(amount.input.value)),
      method: method.input.value,
      reference: reference.input.value.trim() || null,
      received_on: received.input.value,
    };
    const text = JSON.stringify(body);
    if (lastBody !== null && lastBody !== text) key = newUuid();
    lastBody = text;
    try {
      await busy(submit, 'Recording…', () => api('POST', '/api/v1/payments', { body, headers: { 'Idempotency-Key': key } }));
      close();
      announce(`Payment of ${fmtPaise(body.amount_paise)} recorded.`);
      done();
    } catch (e) {
      if (e.status !== 0) { key = newUuid(); lastBody = null; }
      applyProblem(form, e);
    }
  });
}

// ---- print view --------------------------------------------------------------------

export async function renderInvoicePrint(main, { id }) {
  put(main, loading());
  let inv;
  let branch = null;
  let customer = null;
  let items = [];
  try {
    inv = await api('GET', `/api/v1/invoices/${id}`);
    [branch, customer] = await Promise.all([
      api('GET', `/api/v1/branches/${inv.branch_id}`).catch(() => null),
      api('GET', `/api/v1/customers/${inv.customer_id}`).catch(() => null),
    ]);
    const ids = [...new Set((inv.lines || []).map((l) => l.item_id))];
    items = (await Promise.all(ids.map((i) => api('GET', `/api/v1/items/${i}`).catch(() => null)))).filter(Boolean);
  } catch (e) {
    put(clear(main), pageHeader('Print invoice'), problemBox(e));
    return;
  }
  clear(main);
  const mode = modeOf(inv, branch, customer);
  const intra = mode === 'intra';
  const seller = sellerOf(inv, branch);
  const buyer = buyerOf(inv, customer);
  const printBtn = h('button.btn.btn-primary', { type: 'button' }, 'Print');
  printBtn.addEventListener('click', () => window.print());
  const title = inv.status === 'draft' ? 'Draft — not a tax invoice' : (inv.status === 'cancelled' ? 'Tax invoice — cancelled' : 'Tax invoice');
  put(main, h('div.print-toolbar.no-print',
    h('a.btn', { href: `#/invoices/${inv.id}` }, '← Back to invoice'), printBtn,
    inv.status !== 'draft' ? pdfControls('invoices', inv) : null,
    h('h1.sr-only', { tabindex: '-1' }, `Print view of ${inv.number || 'draft invoice'}`)));

  // Tax breakup by rate.
  const byRate = new Map();
  for (const l of inv.lines || []) {
    const info = lineInfo(l, items);
    const k = `${info.hsn}|${info.rate}`;
    const cur = byRate.get(k) || { hsn: info.hsn, rate: info.rate, taxable: 0n, cgst: 0n, sgst: 0n, igst: 0n };
    cur.taxable += BigInt(l.taxable_paise || 0);
    cur.cgst += BigInt(l.cgst_paise || 0);
    cur.sgst += BigInt(l.sgst_paise || 0);
    cur.igst += BigInt(l.igst_paise || 0);
    byRate.set(k, cur);
  }
  const party = (heading, p, extra) => h('div.party', h('h3', heading),
    h('p.party-name', p?.name || '—'),
    p?.address || p?.billing_address ? h('p.party-addr', p.address || p.billing_address) : null,
    h('p', 'GSTIN: ', h('strong', p?.gstin || (p?.registration === 'export' ? 'Not applicable (export)' : 'Unregistered'))),
    h('p', `State: ${p?.state_name ? `${p.state_code} · ${p.state_name}` : stateName(p?.state_code)}`), extra || null);
  const doc = h('article.invoice-doc', { 'aria-label': 'Tax invoice' },
    h('header.inv-head',
      h('div', h('p.inv-title', title), h('p.inv-seller', seller?.name || 'Seller')),
      h('dl.inv-meta',
        h('dt', 'Invoice no.'), h('dd', { 'data-testid': 'print-number' }, inv.number || 'DRAFT'),
        h('dt', 'Invoice date'), h('dd', fmtDate(inv.invoice_date)),
        h('dt', 'Due date'), h('dd', fmtDate(inv.due_date)),
        h('dt', 'Place of supply'), h('dd', placeOfSupply(inv, customer)),
        h('dt', 'Reverse charge'), h('dd', inv.reverse_charge ? 'Yes' : 'No'))),
    h('div.parties', party('Seller', seller, seller?.pan ? h('p', `PAN: ${seller.pan}`) : null), party('Buyer', buyer)),
    mode === 'zero' ? h('p.inv-lut', LUT_TEXT) : null,
    h('div.inv-scroll', h('table.inv-lines',
      h('thead', h('tr', ['#', 'Description', 'HSN/SAC', 'Qty', 'Rate', 'Discount', 'Taxable value', 'GST %', ...(intra ? ['CGST', 'SGST'] : ['IGST']), 'Amount'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', (inv.lines || []).map((l, i) => {
        const info = lineInfo(l, items);
        const tax = BigInt(l.cgst_paise || 0) + BigInt(l.sgst_paise || 0) + BigInt(l.igst_paise || 0);
        return h('tr',
          h('td', String(i + 1)), h('td', info.name), h('td', info.hsn), h('td.num', `${l.quantity} ${info.unit}`),
          h('td.num', fmtPaise(l.unit_price_paise, false)), h('td.num', fmtPaise(l.discount_paise || 0, false)),
          h('td.num', fmtPaise(l.taxable_paise, false)), h('td.num', fmtRate(info.rate)),
          intra ? [h('td.num', fmtPaise(l.cgst_paise, false)), h('td.num', fmtPaise(l.sgst_paise, false))] : h('td.num', fmtPaise(l.igst_paise, false)),
          h('td.num', fmtPaise(BigInt(l.taxable_paise || 0) + tax, false)));
      })))),
    h('div.inv-bottom',
      h('div.inv-scroll', h('table.inv-tax',
        h('caption', 'Tax breakup'),
        h('thead', h('tr', ['HSN/SAC', 'GST %', 'Taxable value', ...(intra ? ['CGST', 'SGST'] : ['IGST']), 'Total tax'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', [...byRate.values()].map((r) => h('tr', h('td', r.hsn), h('td.num', fmtRate(r.rate)), h('td.num', fmtPaise(r.taxable, false)),
          intra ? [h('td.num', `${fmtRate(r.rate / 2)} · ${fmtPaise(r.cgst, false)}`), h('td.num', `${fmtRate(r.rate / 2)} · ${fmtPaise(r.sgst, false)}`)] : h('td.num', fmtPaise(r.igst, false)),
          h('td.num', fmtPaise(r.cgst + r.sgst + r.igst, false))))))),
      h('dl.inv-totals',
        h('dt', 'Taxable value'), h('dd', fmtPaise(inv.taxable_total_paise)),
        intra ? [h('dt', 'CGST'), h('dd', fmtPaise(inv.cgst_total_paise)), h('dt', 'SGST'), h('dd', fmtPaise(inv.sgst_total_paise))]
          : [h('dt', 'IGST'), h('dd', fmtPaise(inv.igst_total_paise))],
        h('dt', 'Round off'), h('dd', fmtPaise(inv.round_off_paise)),
        h('dt.grand', 'Grand total'), h('dd.grand', { 'data-testid': 'print-grand' }, fmtPaise(inv.grand_total_paise)))),
    h('p.inv-words', h('span', 'Amount in words: '), h('strong', { 'data-testid': 'amount-words' }, amountInWords(inv.grand_total_paise))),
    inv.notes ? h('p.inv-notes', `Notes: ${inv.notes}`) : null,
    h('footer.inv-foot',
      h('p', 'This is a computer-generated invoice.'),
      h('div.sign', h('p', `For ${seller?.name || 'the seller'}`), h('p.sign-line', 'Authorised signatory'))));
  put(main, doc);
}
