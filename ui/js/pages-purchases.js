// Purchases: vendors (with their GST registration), bills (item and expense-account
// lines, per-line input tax credit, reverse charge, live totals computed like the
// server), post / cancel / delete, vendor payments (with an Idempotency-Key) and the
// payables by age.

import { h, put, clear, fmtPaise, fmtDate, fmtRate, todayIso, addDaysIso, newUuid, titleCase, methodName, qs } from './util.js';
import { api, session, getAll } from './api.js';
import {
  field, values, pageHeader, pagedTable, announce, formErrorBox, clearErrors, validateForm, applyProblem,
  busy, problemBox, loading, badge, dl, confirmDialog, openDialog, table,
} from './components.js';
import { crudPage, changed, opt } from './crud.js';
import { rules, GST_RATES_BP } from './validate.js';
import { billTotals, parseQuantityMilli, quantityJson, parseRupees, paiseToInput, amountInWords, taxMode, taxModeOf } from './money.js';
import { stateOptions, stateName } from './pages-branches.js';
import { AGING_BUCKETS, bucketAmount, outstandingOf, agingChart } from './pages-dashboard.js';
import { loadChart } from './pages-books.js';
import { go } from './router.js';

// ---- shared --------------------------------------------------------------------------

export const VENDOR_REGISTRATIONS = [
  ['regular', 'Regular (GST registered)'],
  ['composition', 'Composition dealer (bill of supply, no GST)'],
  ['unregistered', 'Unregistered'],
  ['overseas', 'Overseas (outside India)'],
];
export function vendorRegistrationName(r) {
  const found = VENDOR_REGISTRATIONS.find(([v]) => v === r);
  return found ? found[1] : titleCase(r || 'regular');
}
// Registrations without a GSTIN (the server refuses one), and those whose bills carry
// no GST unless we pay it on reverse charge.
const VENDOR_NO_GSTIN = ['unregistered', 'overseas'];
const VENDOR_NO_GST = ['composition', 'unregistered'];

export const ITC_OPTIONS = [
  ['eligible', 'Eligible'],
  ['ineligible', 'Ineligible'],
  ['blocked', 'Blocked (s. 17(5))'],
];
const itcName = (v) => (ITC_OPTIONS.find(([k]) => k === v) || [v, titleCase(v)])[1];

export const BILL_STATUSES = ['draft', 'posted', 'partially_paid', 'paid', 'cancelled'];
const BILL_PAYABLE = ['posted', 'partially_paid'];
const PAY_METHODS = [['cash', 'Cash'], ['upi', 'UPI'], ['bank_transfer', 'Bank transfer'], ['card', 'Card'], ['cheque', 'Cheque']];

// Accounts a bill line may charge, as the server allows them: expense and asset
// accounts except money, receivables, stock and advances (they move only through their
// own documents); accounts under Bank Accounts are money too.
const BILL_ACCOUNT_EXCLUDED = ['cash', 'bank', 'sundry_debtors', 'stock', 'advances'];
function billAccounts(chart) {
  const bankGroups = new Set(chart.filter((a) => a.is_group && a.system_key === 'bank_accounts').map((a) => a.id));
  return chart.filter((a) => !a.is_group && (a.type === 'expense' || a.type === 'asset')
    && !BILL_ACCOUNT_EXCLUDED.includes(a.system_key) && !bankGroups.has(a.parent_id));
}

// Small reference lists (vendors, branches, items), each only with its read permission.
async function purchaseList(kind, perm, query = {}) {
  if (!session.can(perm)) return [];
  return getAll(`/api/v1/${kind}`, query);
}
const purchaseById = (list, id) => list.find((x) => x.id === id);

export function billTitle(b) {
  return `${b.status === 'draft' ? 'Draft bill' : 'Bill'} ${b.supplier_invoice_no}`;
}

function billVendorName(b, vendors) {
  return b.vendor?.name || b.vendor_name || purchaseById(vendors, b.vendor_id)?.name || '—';
}

// ---- vendors -------------------------------------------------------------------------

export function renderVendors(main) {
  crudPage(main, {
    title: 'Vendors',
    noun: 'vendor',
    path: '/api/v1/vendors',
    writePerm: 'purchases.vendors:write',
    label: (r) => r.name,
    help: 'Suppliers you receive bills from. Composition dealers and unregistered vendors charge no GST (unless you pay it on reverse charge); overseas vendors are in state 96.',
    filters: [
      { name: 'q', label: 'Name starts with', attrs: { type: 'search' } },
      { name: 'gstin', label: 'GSTIN', transform: 'upper' },
    ],
    columns: [
      { label: 'Name', render: (r) => h('a', { href: `#/vendors/${r.id}` }, r.name) },
      { label: 'GSTIN', render: (r) => r.gstin || (r.registration === 'overseas' ? 'Overseas' : 'Unregistered') },
      { label: 'Registration', render: (r) => vendorRegistrationName(r.registration) },
      { label: 'State', render: (r) => stateName(r.state_code) },
      { label: 'Email', render: (r) => r.email || '—' },
      { label: 'Phone', render: (r) => r.phone || '—' },
    ],
    fields: (r) => {
      const registration = field({ name: 'registration', label: 'GST registration', type: 'select', required: true,
        value: r?.registration || 'regular', options: VENDOR_REGISTRATIONS,
        hint: 'Regular and composition vendors have a GSTIN; overseas vendors are placed in state 96 (Other Countries).' });
      const reg = () => registration.input.value;
      const gstin = field({ name: 'gstin', label: 'GSTIN', required: true, value: r?.gstin, transform: 'upper', hint: 'The state is taken from the first two digits.', validate: rules.gstin });
      const gstinRule = gstin.input._validate;
      gstin.input._validate = () => {
        if (VENDOR_NO_GSTIN.includes(reg())) return null;
        if (!gstin.input.value.trim()) return { message: `a ${reg() === 'composition' ? 'composition dealer' : 'regular vendor'} needs a GSTIN` };
        return gstinRule();
      };
      const state = field({ name: 'state_code', label: 'GST state', type: 'select', required: true, value: r?.state_code, options: stateOptions('Choose a state', { foreign: true }), validate: (v) => {
        if (reg() === 'overseas') return v === '96' ? null : { message: 'an overseas vendor is in state 96 (Other Countries)' };
        if (v === '96') return { message: 'state 96 is only for overseas vendors' };
        const g = gstin.input.value.trim().toUpperCase();
        if (!VENDOR_NO_GSTIN.includes(reg()) && g.length >= 2 && /^\d\d/.test(g) && v !== g.slice(0, 2)) return { message: `the GSTIN belongs to state ${g.slice(0, 2)}` };
        return rules.stateCode(v);
      } });
      gstin.input.addEventListener('input', () => {
        const g = gstin.input.value.trim();
        if (/^\d\d/.test(g)) state.input.value = g.slice(0, 2);
      });
      const applyRegistration = () => {
        const none = VENDOR_NO_GSTIN.includes(reg());
        gstin.hidden = none;
        if (none) gstin.input.value = '';
        if (reg() === 'overseas') state.input.value = '96';
        else if (state.input.value === '96') state.input.value = '';
      };
      registration.input.addEventListener('change', applyRegistration);
      applyRegistration();
      return [
        field({ name: 'name', label: 'Name', required: true, value: r?.name, validate: (v) => (v.trim() ? null : { message: 'name is required' }) }),
        registration, gstin, state,
        field({ name: 'email', label: 'Email', type: 'email', value: r?.email, validate: rules.email }),
        field({ name: 'phone', label: 'Phone', type: 'tel', value: r?.phone }),
        field({ name: 'billing_address', label: 'Address', type: 'textarea', value: r?.billing_address, wide: true }),
      ];
    },
    body: (f, r) => {
      const v = values(f);
      const none = VENDOR_NO_GSTIN.includes(v.registration);
      return changed({
        name: v.name, registration: v.registration, gstin: none ? null : opt(v.gstin),
        state_code: v.registration === 'overseas' ? '96' : v.state_code,
        email: opt(v.email), phone: opt(v.phone), billing_address: opt(v.billing_address),
      }, r);
    },
  });
}

export async function renderVendor(main, { id }) {
  put(main, loading());
  let v;
  try {
    v = await api('GET', `/api/v1/vendors/${id}`);
  } catch (e) {
    put(clear(main), pageHeader('Vendor'), problemBox(e));
    return;
  }
  clear(main);
  const actions = [h('a.btn', { href: '#/vendors' }, 'All vendors')];
  if (session.can('purchases.bills:write')) actions.push(h('a.btn.btn-primary', { href: `#/bills/new?vendor_id=${v.id}` }, 'New bill'));
  put(main, pageHeader(v.name, actions),
    h('section.panel', { 'aria-labelledby': 'vendor-h' }, h('h2', { id: 'vendor-h' }, 'Details'), dl([
      ['Registration', vendorRegistrationName(v.registration)],
      ['GSTIN', v.gstin || (v.registration === 'overseas' ? 'Overseas — no GSTIN' : 'Unregistered')],
      ['GST state', stateName(v.state_code)],
      ['Address', v.billing_address || '—'],
      ['Email', v.email || '—'],
      ['Phone', v.phone || '—'],
    ])));
  if (session.can('purchases.bills:read')) {
    put(main, h('section.panel', { 'aria-labelledby': 'vendor-bills-h' }, h('h2', { id: 'vendor-bills-h' }, 'Bills'), pagedTable({
      caption: `Bills of ${v.name}`,
      empty: 'No bills yet.',
      columns: billColumns([v], { vendor: false }),
      load: (cursor) => api('GET', '/api/v1/bills', { query: { vendor_id: v.id, limit: 20, cursor } }),
    })));
  }
}

// ---- bills: list -----------------------------------------------------------------------

function billColumns(vendors, { vendor = true } = {}) {
  return [
    { label: 'Bill', render: (b) => [h('a', { href: `#/bills/${b.id}` }, b.supplier_invoice_no), b.reverse_charge ? h('span.muted.small', ' · reverse charge') : null] },
    vendor ? { label: 'Vendor', render: (b) => billVendorName(b, vendors) } : null,
    { label: 'Invoice date', className: 'nowrap', render: (b) => fmtDate(b.supplier_invoice_date) },
    { label: 'Posting date', className: 'nowrap', render: (b) => fmtDate(b.posting_date) },
    { label: 'Due', className: 'nowrap', render: (b) => fmtDate(b.due_date) },
    { label: 'Status', render: (b) => badge(b.status) },
    { label: 'Total', className: 'num', render: (b) => fmtPaise(b.grand_total_paise) },
    { label: 'Balance', className: 'num', render: (b) => fmtPaise(b.balance_due_paise) },
  ].filter(Boolean);
}

export async function renderBills(main, _p, query) {
  const canWrite = session.can('purchases.bills:write');
  put(main, pageHeader('Bills', canWrite ? h('a.btn.btn-primary', { href: '#/bills/new' }, 'New bill') : null));
  put(main, h('p.lede', 'Supplier invoices: a draft can be edited; posting records it in the books and makes it payable.'));
  let vendors = [];
  try { vendors = await purchaseList('vendors', 'purchases.vendors:read'); } catch { /* names fall back to the frozen copies */ }
  const state = { status: query.get('status') || '', vendor_id: query.get('vendor_id') || '', from: '', to: '' };
  const f = {
    status: field({ name: 'status', label: 'Status', type: 'select', value: state.status, options: [['', 'Any status'], ...BILL_STATUSES.map((s) => [s, titleCase(s)])] }),
    vendor_id: field({ name: 'vendor_id', label: 'Vendor', type: 'select', value: state.vendor_id, options: [['', 'All vendors'], ...vendors.map((v) => [v.id, v.name])] }),
    from: field({ name: 'from', label: 'Posted from', type: 'date' }),
    to: field({ name: 'to', label: 'Posted to', type: 'date' }),
  };
  const filters = h('form.filters', { role: 'search', 'aria-label': 'Filter bills' }, Object.values(f),
    h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Apply'), h('button.btn.btn-link', { type: 'reset' }, 'Clear')));
  let list;
  const apply = () => { for (const [k, x] of Object.entries(f)) state[k] = x.input.value; list.reload(true); };
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
  filters.addEventListener('reset', () => setTimeout(apply, 0));
  put(main, filters);
  list = pagedTable({
    caption: 'Bills',
    empty: 'No bills match.',
    columns: billColumns(vendors),
    load: (cursor) => api('GET', '/api/v1/bills', { query: { ...state, limit: 50, cursor } }),
  });
  put(main, list);
}

// ---- bills: create / edit a draft ---------------------------------------------------------

export async function renderBillForm(main, { id }, query) {
  put(main, loading());
  let bill = null;
  let branches;
  let vendors;
  let items;
  let accounts;
  try {
    if (id) bill = await api('GET', `/api/v1/bills/${id}`);
    [branches, vendors, items, accounts] = await Promise.all([
      purchaseList('branches', 'org.branches:read'), purchaseList('vendors', 'purchases.vendors:read'),
      purchaseList('items', 'sales.items:read'), session.can('books.accounts:read') ? loadChart().then(billAccounts) : [],
    ]);
  } catch (e) {
    put(clear(main), pageHeader(id ? 'Edit draft bill' : 'New bill'), problemBox(e));
    return;
  }
  clear(main);
  if (bill && bill.status !== 'draft') {
    put(main, pageHeader('Edit draft bill'), h('p.problem', { role: 'alert' }, 'Only draft bills can be edited.'));
    return;
  }
  const need = (label) => (v) => (String(v).trim() ? null : { message: `${label} is required` });
  const today = todayIso();
  const f = {
    vendor: field({ name: 'vendor_id', label: 'Vendor', type: 'select', required: true, value: bill?.vendor_id || query?.get('vendor_id') || '', options: [['', 'Choose a vendor'], ...vendors.map((v) => [v.id, `${v.name}${v.gstin ? ` · ${v.gstin}` : ''} (${v.state_code})`])], validate: need('vendor') }),
    branch: field({ name: 'branch_id', label: 'Branch (receiving)', type: 'select', required: true, value: bill?.branch_id || (branches.length === 1 ? branches[0].id : ''), options: [['', 'Choose a branch'], ...branches.map((b) => [b.id, `${b.code} · ${b.name} (${b.state_code})`])], validate: need('branch') }),
    number: field({ name: 'supplier_invoice_no', label: 'Supplier invoice number', required: true, value: bill?.supplier_invoice_no, attrs: { autocomplete: 'off' }, validate: need('supplier invoice number') }),
    date: field({ name: 'supplier_invoice_date', label: 'Supplier invoice date', type: 'date', required: true, value: bill?.supplier_invoice_date || today, validate: need('supplier invoice date') }),
    posting: field({ name: 'posting_date', label: 'Posting date', type: 'date', required: true, value: bill?.posting_date || today, hint: 'The date the bill goes into the books.', validate: need('posting date') }),
    due: field({ name: 'due_date', label: 'Due date', type: 'date', required: true, value: bill?.due_date || addDaysIso(today, 30), validate: (v) => (!v ? { message: 'due date is required' } : (v < f.date.input.value ? { message: 'due date cannot be before the supplier invoice date' } : null)) }),
    notes: field({ name: 'notes', label: 'Notes', type: 'textarea', value: bill?.notes, rows: 5 }),
  };
  const reverse = field({ name: 'reverse_charge', label: 'Reverse charge (we pay the GST, not the vendor)', type: 'checkbox', value: bill?.reverse_charge,
    hint: 'The vendor is paid the taxable value only; the tax is still worked out per line, paid by us and claimed back where eligible.' });
  const supply = h('p.supply', { 'aria-live': 'polite', 'data-testid': 'bill-supply' });
  const linesBody = h('tbody');
  const totalsBox = h('div.totals', { 'aria-live': 'polite', 'aria-atomic': 'true', 'data-testid': 'live-totals' });
  const rows = [];

  const vendorOf = () => purchaseById(vendors, f.vendor.input.value);
  // A composition dealer or an unregistered vendor charges no GST, unless we pay it on reverse charge.
  const noGst = () => { const v = vendorOf(); return !!v && VENDOR_NO_GST.includes(v.registration) && !reverse.input.checked; };
  // How GST applies, as the server decides it: the vendor's state against the branch's; overseas is IGST.
  const currentMode = () => {
    const v = vendorOf();
    const b = purchaseById(branches, f.branch.input.value);
    if (!v) return null;
    if (v.registration === 'overseas') return 'inter';
    if (!b) return null;
    return taxMode(b.state_code, v.state_code, 'regular', false);
  };

  function recompute() {
    const v = vendorOf();
    const mode = currentMode();
    const zero = noGst();
    rows.forEach((r) => r.setZeroRated(zero));
    const rc = reverse.input.checked;
    const heads = mode === 'intra' ? 'CGST + SGST (vendor and branch in the same state)' : 'IGST (vendor and branch in different states)';
    supply.textContent = mode === null ? 'Choose a vendor and a branch to see how GST applies.'
      : zero ? `${v.registration === 'composition' ? 'A composition dealer\'s bill of supply carries' : 'An unregistered vendor charges'} no GST: every line's rate is 0% (unless the bill is on reverse charge).`
        : v.registration === 'overseas' ? `Import from outside India: IGST${rc ? ', paid by us on reverse charge' : ''}.`
          : `${mode === 'intra' ? 'Intra-state purchase' : 'Inter-state purchase'}: ${heads}${rc ? '; paid by us on reverse charge' : ''}.`;
    const parsed = rows.map((r) => r.read());
    const good = parsed.filter(Boolean);
    const t = billTotals(good, mode || 'intra', rc);
    let gi = 0;
    rows.forEach((r, i) => {
      if (parsed[i]) { r.show(t.lines[gi]); gi += 1; } else r.show(null);
    });
    const intraHeads = mode === null || mode === 'intra';
    const rcText = rc ? ' (reverse charge, payable by us)' : '';
    put(clear(totalsBox),
      h('dl.totals-list',
        h('dt', 'Taxable value'), h('dd', { 'data-total': 'taxable' }, fmtPaise(t.taxable)),
        intraHeads ? [h('dt', `CGST${rcText}`), h('dd', { 'data-total': 'cgst' }, fmtPaise(t.cgst)), h('dt', `SGST${rcText}`), h('dd', { 'data-total': 'sgst' }, fmtPaise(t.sgst))]
          : [h('dt', `IGST${rcText}`), h('dd', { 'data-total': 'igst' }, fmtPaise(t.igst))],
        h('dt', 'Round off'), h('dd', { 'data-total': 'round_off' }, fmtPaise(t.roundOff)),
        h('dt.grand', rc ? 'Grand total (owed to the vendor)' : 'Grand total'), h('dd.grand', { 'data-total': 'grand' }, fmtPaise(t.grand)),
        h('dt', 'Input tax credit'), h('dd', { 'data-total': 'itc' }, fmtPaise(t.itc.total))),
      h('p.words', amountInWords(t.grand)));
  }

  function reindex() {
    rows.forEach((r, i) => r.setIndex(i));
  }

  function addLine(line) {
    const tr = h('tr.line');
    const kind = h('select.in-narrow', h('option', { value: 'item' }, 'Item'), accounts.length ? h('option', { value: 'account' }, 'Account') : null);
    kind.value = line && line.account_id && !line.item_id ? 'account' : 'item';
    const target = h('select.in-account');
    const desc = h('input.in-desc', { type: 'text', value: line?.description || '', autocomplete: 'off' });
    const hsn = h('input.in-hsn', { type: 'text', inputmode: 'numeric', value: line?.hsn_sac || '', autocomplete: 'off' });
    const qty = h('input.in-qty', { type: 'text', inputmode: 'decimal', value: line ? String(line.quantity) : '1' });
    const price = h('input.in-money', { type: 'text', inputmode: 'decimal', value: line ? paiseToInput(line.unit_price_paise) : '' });
    const disc = h('input.in-money', { type: 'text', inputmode: 'decimal', value: line && line.discount_paise ? paiseToInput(line.discount_paise) : '', placeholder: '0.00' });
    const rate = h('select.in-narrow', GST_RATES_BP.map((bp) => h('option', { value: bp }, fmtRate(bp))));
    rate.value = String(line ? line.gst_rate_bp : 1800);
    const itc = h('select.in-narrow', ITC_OPTIONS.map(([v, l]) => h('option', { value: v }, l)));
    itc.value = line?.itc || 'eligible';
    const err = h('p.field-error', { hidden: true });
    const taxable = h('td.num');
    const tax = h('td.num');
    const total = h('td.num');
    const remove = h('button.btn.btn-small.btn-link', { type: 'button' }, 'Remove');
    put(tr, h('td', kind), h('td', target, err), h('td', desc), h('td', hsn), h('td', qty), h('td', price), h('td', disc), h('td', rate), h('td', itc), taxable, tax, total, h('td', remove));
    put(linesBody, tr);

    const fillTarget = (selected) => {
      const isItem = kind.value === 'item';
      put(clear(target), h('option', { value: '' }, isItem ? 'Choose an item' : 'Choose an account'),
        (isItem ? items : accounts).map((x) => h('option', { value: x.id, selected: x.id === selected }, isItem ? `${x.sku} · ${x.name}` : `${x.code} · ${x.name}`)));
      hsn.placeholder = isItem ? 'From the item' : 'SAC';
      desc.placeholder = isItem ? 'From the item' : 'From the account';
    };
    fillTarget(line ? (line.item_id || line.account_id) : null);

    const row = {
      tr,
      index: 0,
      item: () => (kind.value === 'item' ? purchaseById(items, target.value) : null),
      account: () => (kind.value === 'account' ? purchaseById(accounts, target.value) : null),
      setIndex(i) {
        row.index = i;
        const targetName = kind.value === 'item' ? 'item_id' : 'account_id';
        for (const [el, name, label] of [
          [kind, 'kind', 'type'], [target, targetName, kind.value === 'item' ? 'item' : 'account'], [desc, 'description', 'description'],
          [hsn, 'hsn_sac', 'HSN/SAC'], [qty, 'quantity', 'quantity'], [price, 'unit_price_paise', 'unit price'],
          [disc, 'discount_paise', 'discount'], [rate, 'gst_rate_bp', 'GST rate'], [itc, 'itc', 'input tax credit']]) {
          el.dataset.field = `lines[${i}].${name}`;
          el.id = `bill-line-${i}-${name}`;
          el.setAttribute('aria-label', `Line ${i + 1} ${label}`);
          el.setAttribute('aria-describedby', `bill-line-${i}-err`);
        }
        err.id = `bill-line-${i}-err`;
        remove.setAttribute('aria-label', `Remove line ${i + 1}`);
      },
      // While the vendor charges no GST the rate is 0% and cannot be chosen; the choice comes back after.
      setZeroRated(zero) {
        if (zero && !rate.disabled) { rate.dataset.keep = rate.value; rate.value = '0'; rate.disabled = true; }
        if (!zero && rate.disabled) { rate.value = rate.dataset.keep || rate.value; rate.disabled = false; }
      },
      rateBp: () => Number(rate.disabled ? 0 : rate.value),
      read() {
        const q = parseQuantityMilli(qty.value);
        const p = parseRupees(price.value);
        const d = parseRupees(disc.value) ?? 0n;
        if (!target.value || q === null || p === null || p === undefined || d === undefined) return null;
        return { quantityMilli: q, unitPricePaise: p, discountPaise: d, rateBp: row.rateBp(), itc: itc.value };
      },
      show(l) {
        taxable.textContent = l ? fmtPaise(l.taxable) : '—';
        tax.textContent = l ? fmtPaise(l.cgst + l.sgst + l.igst) : '—';
        total.textContent = l ? fmtPaise(l.total) : '—';
      },
      check() {
        const problems = [];
        if (!target.value) problems.push([kind.value === 'item' ? 'item_id' : 'account_id', kind.value === 'item' ? 'choose an item' : 'choose an account']);
        if (parseQuantityMilli(qty.value) === null) problems.push(['quantity', 'quantity must be a positive number with at most 3 decimals']);
        const p = parseRupees(price.value);
        if (p === null || p === undefined) problems.push(['unit_price_paise', 'unit price must be an amount in rupees']);
        if (parseRupees(disc.value) === undefined) problems.push(['discount_paise', 'discount must be an amount in rupees']);
        return problems;
      },
      body() {
        const out = kind.value === 'item' ? { item_id: target.value } : { account_id: target.value };
        if (desc.value.trim()) out.description = desc.value.trim();
        if (hsn.value.trim()) out.hsn_sac = hsn.value.trim();
        out.quantity = quantityJson(parseQuantityMilli(qty.value));
        out.unit_price_paise = Number(parseRupees(price.value));
        const d = parseRupees(disc.value);
        if (d) out.discount_paise = Number(d);
        out.gst_rate_bp = row.rateBp();
        out.itc = itc.value;
        return out;
      },
      err,
      inputs: [kind, target, desc, hsn, qty, price, disc, rate, itc],
    };
    kind.addEventListener('change', () => {
      fillTarget(null);
      row.setIndex(row.index);
      recompute();
    });
    target.addEventListener('change', () => {
      const it = row.item();
      // An item brings its GST rate (the bill may still say otherwise).
      if (it) {
        if (rate.disabled) rate.dataset.keep = String(it.gst_rate_bp);
        else rate.value = String(it.gst_rate_bp);
      }
      recompute();
    });
    for (const el of [qty, price, disc]) el.addEventListener('input', recompute);
    for (const el of [rate, itc]) el.addEventListener('change', recompute);
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
  for (const el of [f.vendor.input, f.branch.input, reverse.input]) el.addEventListener('change', recompute);
  f.date.input.addEventListener('change', () => {
    // A new bill's due date follows the supplier invoice date until it is set by hand.
    if (!bill && !f.due.input._touched && f.date.input.value) f.due.input.value = addDaysIso(f.date.input.value, 30);
  });

  if (bill && Array.isArray(bill.lines)) bill.lines.forEach((l) => addLine(l));
  else addLine(null);
  recompute();

  const submit = h('button.btn.btn-primary', { type: 'submit' }, bill ? 'Save draft' : 'Create draft bill');
  const form = h('form.form', { novalidate: true },
    formErrorBox(),
    h('div.form-grid', f.vendor, f.branch, f.number, f.date, f.posting, f.due),
    supply,
    h('div.form-grid.checks', reverse),
    h('fieldset.section', h('legend', 'Lines'),
      h('p.hint', accounts.length
        ? 'A line is an item (goods, charged to Purchases) or an expense or asset account (e.g. Rent, Computers). Input tax credit: blocked credits are those of s. 17(5) (e.g. food, motor vehicles).'
        : 'A line is an item (goods, charged to Purchases). Account lines need permission to read the chart of accounts.'),
      h('div.table-wrap', h('table.table.lines-table', h('caption.sr-only', 'Bill lines'),
        h('thead', h('tr', ['Type', 'Item or account', 'Description', 'HSN/SAC', 'Quantity', 'Unit price (₹)', 'Discount (₹)', 'GST', 'Input tax credit', 'Taxable', 'Tax', 'Line total', ''].map((t) => h('th', { scope: 'col' }, t)))),
        linesBody)),
      h('div.lines-actions', addBtn)),
    h('div.form-bottom', f.notes, totalsBox),
    h('div.form-actions', submit, h('a.btn', { href: bill ? `#/bills/${bill.id}` : '#/bills' }, 'Cancel')));

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
      vendor_id: f.vendor.input.value,
      branch_id: f.branch.input.value,
      supplier_invoice_no: f.number.input.value.trim(),
      supplier_invoice_date: f.date.input.value,
      posting_date: f.posting.input.value,
      due_date: f.due.input.value,
      reverse_charge: reverse.input.checked,
      lines: rows.map((r) => r.body()),
    };
    const notes = f.notes.input.value.trim();
    if (notes || bill) body.notes = notes;
    try {
      const saved = await busy(submit, 'Saving…', () => (bill
        ? api('PATCH', `/api/v1/bills/${bill.id}`, { body, headers: { 'If-Match': `"${bill.version}"` } })
        : api('POST', '/api/v1/bills', { body })));
      announce(bill ? 'Draft saved.' : 'Draft bill created.');
      go(`#/bills/${saved.id}`);
    } catch (e) {
      applyProblem(form, e);
      // Field errors for lines go to the row's message line.
      for (const fe of (e.errors || [])) {
        const m = /^lines\[(\d+)\]\.?(\w+)?/.exec(fe.field || '');
        if (!m || !rows[Number(m[1])]) continue;
        const r = rows[Number(m[1])];
        r.err.textContent = [r.err.textContent, fe.message].filter(Boolean).join('; ');
        r.err.hidden = false;
        const el = r.inputs.find((i) => i.dataset.field.endsWith(`.${m[2]}`)) || r.inputs[1];
        el.setAttribute('aria-invalid', 'true');
      }
    }
  });
  put(main, pageHeader(bill ? 'Edit draft bill' : 'New bill'), form);
}

// ---- bills: detail -------------------------------------------------------------------------

function billTotalsDl(b) {
  const intra = taxModeOf(b) !== 'inter';
  const rc = b.reverse_charge ? ' (reverse charge, payable by us)' : '';
  const itc = BigInt(b.itc_cgst_paise || 0) + BigInt(b.itc_sgst_paise || 0) + BigInt(b.itc_igst_paise || 0);
  return h('dl.totals-list',
    h('dt', 'Taxable value'), h('dd', { 'data-testid': 'bill-taxable' }, fmtPaise(b.taxable_total_paise)),
    intra ? [h('dt', `CGST${rc}`), h('dd', { 'data-testid': 'bill-cgst' }, fmtPaise(b.cgst_total_paise)), h('dt', `SGST${rc}`), h('dd', { 'data-testid': 'bill-sgst' }, fmtPaise(b.sgst_total_paise))]
      : [h('dt', `IGST${rc}`), h('dd', { 'data-testid': 'bill-igst' }, fmtPaise(b.igst_total_paise || 0))],
    h('dt', 'Round off'), h('dd', fmtPaise(b.round_off_paise || 0)),
    h('dt.grand', b.reverse_charge ? 'Grand total (owed to the vendor)' : 'Grand total'), h('dd.grand', { 'data-testid': 'grand-total' }, fmtPaise(b.grand_total_paise)),
    intra ? [h('dt', 'Input credit: CGST'), h('dd', fmtPaise(b.itc_cgst_paise || 0)), h('dt', 'Input credit: SGST'), h('dd', fmtPaise(b.itc_sgst_paise || 0))]
      : [h('dt', 'Input credit: IGST'), h('dd', fmtPaise(b.itc_igst_paise || 0))],
    h('dt', 'Input tax credit'), h('dd', { 'data-testid': 'bill-itc' }, fmtPaise(itc)));
}

function billLinesTable(b, items) {
  const intra = taxModeOf(b) !== 'inter';
  return table([
    { label: '#', render: (l) => String(l.line_no) },
    { label: 'Description', render: (l) => l.description || purchaseById(items, l.item_id)?.name || '—' },
    { label: 'HSN/SAC', render: (l) => l.hsn_sac || '—' },
    { label: 'Qty', className: 'num', render: (l) => `${l.quantity}${l.unit ? ` ${l.unit}` : ''}` },
    { label: 'Unit price', className: 'num', render: (l) => fmtPaise(l.unit_price_paise) },
    { label: 'Discount', className: 'num', render: (l) => fmtPaise(l.discount_paise || 0) },
    { label: 'Taxable', className: 'num', render: (l) => fmtPaise(l.taxable_paise) },
    { label: 'GST', className: 'num', render: (l) => fmtRate(l.gst_rate_bp) },
    ...(intra ? [
      { label: 'CGST', className: 'num', render: (l) => fmtPaise(l.cgst_paise) },
      { label: 'SGST', className: 'num', render: (l) => fmtPaise(l.sgst_paise) },
    ] : [{ label: 'IGST', className: 'num', render: (l) => fmtPaise(l.igst_paise) }]),
    { label: 'Input tax credit', render: (l) => itcName(l.itc || 'eligible') },
  ], b.lines || [], { caption: 'Bill lines' });
}

export async function renderBill(main, { id }) {
  put(main, loading());
  let b;
  let vendor = null;
  let branch = null;
  let items = [];
  try {
    b = await api('GET', `/api/v1/bills/${id}`);
    [vendor, branch, items] = await Promise.all([
      session.can('purchases.vendors:read') ? api('GET', `/api/v1/vendors/${b.vendor_id}`).catch(() => null) : null,
      session.can('org.branches:read') ? api('GET', `/api/v1/branches/${b.branch_id}`).catch(() => null) : null,
      purchaseList('items', 'sales.items:read').catch(() => []),
    ]);
  } catch (e) {
    put(clear(main), pageHeader('Bill'), problemBox(e));
    return;
  }
  clear(main);
  const paid = BigInt(b.amount_paid_paise || 0);
  const actions = [h('a.btn', { href: '#/bills' }, 'All bills')];
  const reload = () => go(`#/bills/${b.id}?t=${Date.now()}`);
  const draft = b.status === 'draft';
  if (draft && session.can('purchases.bills:write')) actions.push(h('a.btn', { href: `#/bills/${b.id}/edit` }, 'Edit'));
  if (draft && session.can('purchases.bills:post')) {
    const post = h('button.btn.btn-primary', { type: 'button' }, 'Post');
    post.addEventListener('click', async () => {
      const ok = await confirmDialog('Post bill', 'Posting records the bill in the books (the purchase or expense, the input tax credit and what is owed to the vendor) and freezes it with the vendor as they are now. It can then only be paid or cancelled.', {
        confirmLabel: 'Post bill', focusCancel: true, action: () => api('POST', `/api/v1/bills/${b.id}/post`),
      });
      if (ok) { announce(`Bill ${b.supplier_invoice_no} posted.`); reload(); }
    });
    actions.push(post);
  }
  if (draft && session.can('purchases.bills:write')) {
    const del = h('button.btn.btn-danger', { type: 'button' }, 'Delete draft');
    del.addEventListener('click', async () => {
      const ok = await confirmDialog('Delete draft', `Delete the draft bill ${b.supplier_invoice_no}?`, { confirmLabel: 'Delete', danger: true, focusCancel: true, action: () => api('DELETE', `/api/v1/bills/${b.id}`) });
      if (ok) { announce('Draft bill deleted.'); go('#/bills'); }
    });
    actions.push(del);
  }
  if (BILL_PAYABLE.includes(b.status) && session.can('purchases.payments:write')) {
    const pay = h('button.btn.btn-primary', { type: 'button' }, 'Record payment');
    pay.addEventListener('click', () => vendorPaymentDialog({ bill: b, vendorName: billVendorName(b, vendor ? [vendor] : []), done: reload }));
    actions.push(pay);
  }
  if (b.status === 'posted' && paid === 0n && session.can('purchases.bills:post')) {
    const cancel = h('button.btn.btn-danger', { type: 'button' }, 'Cancel bill');
    cancel.addEventListener('click', async () => {
      const ok = await confirmDialog('Cancel bill', 'Cancelling reverses the bill\'s posting: nothing is owed to the vendor and no credit is claimed. It cannot be undone.', {
        confirmLabel: 'Cancel bill', danger: true, focusCancel: true, reasonLabel: 'Reason for cancelling',
        action: (reason) => api('POST', `/api/v1/bills/${b.id}/cancel`, { body: { reason } }),
      });
      if (ok) { announce('Bill cancelled.'); reload(); }
    });
    actions.push(cancel);
  }
  put(main, pageHeader(billTitle(b), actions));
  const mode = taxModeOf(b);
  const party = b.vendor ? { ...b.vendor, frozen: true } : (vendor ? { ...vendor, frozen: false } : null);
  put(main, h('div.detail-grid',
    h('section.panel', { 'aria-labelledby': 'bill-sum-h' }, h('h2', { id: 'bill-sum-h' }, 'Summary'), dl([
      ['Status', h('span', { 'data-testid': 'bill-status' }, badge(b.status))],
      ['Vendor', h('a', { href: `#/vendors/${b.vendor_id}` }, billVendorName(b, vendor ? [vendor] : []))],
      ['Branch', branch ? h('a', { href: `#/branches/${branch.id}` }, `${branch.code} · ${branch.name}`) : '—'],
      ['Supplier invoice', `${b.supplier_invoice_no} of ${fmtDate(b.supplier_invoice_date)}`],
      ['Posting date', fmtDate(b.posting_date)],
      ['Due date', fmtDate(b.due_date)],
      b.financial_year ? ['Financial year', b.financial_year] : null,
      ['Supply', mode === 'inter' ? 'Inter-state (IGST)' : 'Intra-state (CGST + SGST)'],
      ['Reverse charge', h('span', { 'data-testid': 'bill-rcm' }, b.reverse_charge ? 'Yes — the GST is paid by us' : 'No')],
      ['Grand total', h('strong', fmtPaise(b.grand_total_paise))],
      ['Paid', fmtPaise(b.amount_paid_paise || 0)],
      ['Balance due', h('strong', { 'data-testid': 'balance' }, fmtPaise(b.balance_due_paise))],
      b.journal_id && session.can('books.journals:read') ? ['Journal', h('a', { href: `#/journals/${b.journal_id}` }, 'Open the journal')] : null,
      b.cancel_reason ? ['Cancel reason', b.cancel_reason] : null,
      b.notes ? ['Notes', b.notes] : null,
    ])),
    h('section.panel', { 'aria-labelledby': 'bill-tot-h' }, h('h2', { id: 'bill-tot-h' }, 'Totals'), billTotalsDl(b),
      b.reverse_charge ? h('p.hint', 'Reverse charge: the vendor is paid the taxable value; the tax above is paid by us and claimed back where eligible.') : null)));
  put(main, h('section.panel', { 'aria-labelledby': 'bill-vendor-h', 'data-testid': 'vendor' },
    h('h2', { id: 'bill-vendor-h' }, 'Vendor', h('span.muted.small', party?.frozen ? ' (as posted)' : ' (current details; frozen at posting)')),
    party ? dl([
      ['Name', party.name || '—'],
      ['GSTIN', party.gstin || (party.registration === 'overseas' ? 'Overseas — no GSTIN' : 'Unregistered')],
      ['State', stateName(party.state_code)],
      ['Registration', vendorRegistrationName(party.registration)],
    ]) : h('p.muted', 'Not available.')));
  put(main, h('section.panel', { 'aria-labelledby': 'bill-lines-h' }, h('h2', { id: 'bill-lines-h' }, 'Lines'), billLinesTable(b, items)));
  if (!draft && session.can('purchases.payments:read')) {
    const paySection = h('section.panel', { 'aria-labelledby': 'bill-pay-h' }, h('h2', { id: 'bill-pay-h' }, 'Payments'), loading());
    put(main, paySection);
    api('GET', '/api/v1/vendor-payments', { query: { bill_id: b.id, limit: 200 } }).then((page) => {
      const pays = (page.items || []).filter((p) => p.bill_id === b.id);
      put(clear(paySection), h('h2', { id: 'bill-pay-h' }, 'Payments'), table([
        { label: 'Paid on', className: 'nowrap', render: (p) => fmtDate(p.paid_on) },
        { label: 'Method', render: (p) => methodName(p.method) },
        { label: 'Reference', render: (p) => p.reference || '—' },
        { label: 'Amount', className: 'num', render: (p) => fmtPaise(p.amount_paise) },
      ], pays, { caption: 'Payments of this bill', empty: 'No payments yet.' }));
    }).catch((e) => put(clear(paySection), h('h2', { id: 'bill-pay-h' }, 'Payments'), problemBox(e)));
  }
}

// ---- vendor payments ---------------------------------------------------------------------

// A payment to a vendor against one bill: one Idempotency-Key per attempt; an identical
// retry (e.g. after a network failure) reuses it, so the payment is not recorded twice.
// bill: the bill (from its page), or null to choose one of the payable bills.
async function vendorPaymentDialog({ bill = null, vendorName = '', done }) {
  let bills = bill ? [bill] : [];
  let vendors = [];
  if (!bill) {
    try {
      [vendors, ...bills] = await Promise.all([
        purchaseList('vendors', 'purchases.vendors:read').catch(() => []),
        ...BILL_PAYABLE.map((s) => getAll('/api/v1/bills', { status: s })),
      ]);
      bills = bills.flat();
    } catch { /* the select stays empty and the API says why */ }
  }
  let key = newUuid();
  let lastBody = null;
  const chosen = () => (bill || purchaseById(bills, billSel?.input.value) || null);
  const balanceOf = () => BigInt(chosen()?.balance_due_paise ?? 0);
  const billSel = bill ? null : field({ name: 'bill_id', label: 'Bill', type: 'select', required: true,
    options: [['', bills.length ? 'Choose a bill' : 'No bills to pay'], ...bills.map((x) => [x.id, `${billVendorName(x, vendors)} · ${x.supplier_invoice_no} · due ${fmtPaise(x.balance_due_paise)}`])],
    validate: (v) => (v ? null : { message: 'choose a bill' }) });
  const amount = field({ name: 'amount_paise', label: 'Amount (₹)', required: true, value: bill ? paiseToInput(bill.balance_due_paise) : '', attrs: { inputmode: 'decimal' },
    hint: bill ? `Balance due ${fmtPaise(bill.balance_due_paise)}` : 'Choose a bill to see its balance.', validate: (v) => {
      const p = parseRupees(v);
      if (p === undefined || p === null || p <= 0n) return { message: 'enter an amount in rupees greater than zero' };
      if (chosen() && p > balanceOf()) return { message: `cannot exceed the balance due of ${fmtPaise(balanceOf())}` };
      return null;
    } });
  if (billSel) {
    billSel.input.addEventListener('change', () => {
      const x = chosen();
      amount.input.value = x ? paiseToInput(x.balance_due_paise) : '';
      const hint = amount.querySelector('.hint');
      if (hint) hint.textContent = x ? `Balance due ${fmtPaise(x.balance_due_paise)}` : 'Choose a bill to see its balance.';
    });
  }
  const method = field({ name: 'method', label: 'Method', type: 'select', required: true, value: 'bank_transfer', options: PAY_METHODS });
  const reference = field({ name: 'reference', label: 'Reference', hint: 'UTR, cheque number or voucher number' });
  const paidOn = field({ name: 'paid_on', label: 'Paid on', type: 'date', required: true, value: todayIso(), validate: (v) => (v ? null : { message: 'date is required' }) });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, 'Record payment');
  const cancel = h('button.btn', { type: 'button' }, 'Cancel');
  const form = h('form.form', { novalidate: true }, formErrorBox(), h('div.form-grid', billSel, amount, method, reference, paidOn), h('div.form-actions', submit, cancel));
  const title = bill ? `Pay ${vendorName ? `${vendorName}, ` : ''}bill ${bill.supplier_invoice_no}` : 'Record a vendor payment';
  const { close } = openDialog(title, form);
  cancel.addEventListener('click', close);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!validateForm(form)) return;
    const body = {
      bill_id: chosen().id,
      amount_paise: Number(parseRupees(amount.input.value)),
      method: method.input.value,
      reference: reference.input.value.trim() || null,
      paid_on: paidOn.input.value,
    };
    const text = JSON.stringify(body);
    if (lastBody !== null && lastBody !== text) key = newUuid();
    lastBody = text;
    try {
      await busy(submit, 'Recording…', () => api('POST', '/api/v1/vendor-payments', { body, headers: { 'Idempotency-Key': key } }));
      close();
      announce(`Payment of ${fmtPaise(body.amount_paise)} recorded.`);
      done();
    } catch (e) {
      if (e.status !== 0) { key = newUuid(); lastBody = null; }
      applyProblem(form, e);
    }
  });
}

export async function renderVendorPayments(main, _p, query) {
  const canWrite = session.can('purchases.payments:write');
  const add = canWrite ? h('button.btn.btn-primary', { type: 'button' }, 'Record payment') : null;
  put(main, pageHeader('Vendor payments', add));
  let vendors = [];
  let bills = [];
  try {
    [vendors, bills] = await Promise.all([
      purchaseList('vendors', 'purchases.vendors:read'),
      purchaseList('bills', 'purchases.bills:read').catch(() => []),
    ]);
  } catch { /* names fall back */ }
  const state = { vendor_id: query.get('vendor_id') || '', from: '', to: '' };
  const f = {
    vendor_id: field({ name: 'vendor_id', label: 'Vendor', type: 'select', value: state.vendor_id, options: [['', 'All vendors'], ...vendors.map((v) => [v.id, v.name])] }),
    from: field({ name: 'from', label: 'Paid from', type: 'date' }),
    to: field({ name: 'to', label: 'Paid to', type: 'date' }),
  };
  const filters = h('form.filters', { role: 'search', 'aria-label': 'Filter vendor payments' }, Object.values(f),
    h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Apply'), h('button.btn.btn-link', { type: 'reset' }, 'Clear')));
  let list;
  const apply = () => { for (const [k, x] of Object.entries(f)) state[k] = x.input.value; list.reload(true); };
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
  filters.addEventListener('reset', () => setTimeout(apply, 0));
  if (add) add.addEventListener('click', () => vendorPaymentDialog({ done: () => go(`#/vendor-payments?t=${Date.now()}`) }));
  put(main, filters);
  list = pagedTable({
    caption: 'Vendor payments',
    empty: 'No vendor payments match.',
    columns: [
      { label: 'Paid on', className: 'nowrap', render: (p) => fmtDate(p.paid_on) },
      { label: 'Vendor', render: (p) => { const v = purchaseById(vendors, p.vendor_id); return v ? h('a', { href: `#/vendors/${v.id}` }, v.name) : '—'; } },
      { label: 'Bill', render: (p) => { const b = purchaseById(bills, p.bill_id); return h('a', { href: `#/bills/${p.bill_id}` }, b ? b.supplier_invoice_no : 'View bill'); } },
      { label: 'Method', render: (p) => methodName(p.method) },
      { label: 'Reference', render: (p) => p.reference || '—' },
      { label: 'Amount', className: 'num', render: (p) => fmtPaise(p.amount_paise) },
    ],
    load: (cursor) => api('GET', '/api/v1/vendor-payments', { query: { ...state, limit: 50, cursor } }),
  });
  put(main, list);
}

// A vendor payment (e.g. from a ledger): opens its bill.
export async function renderVendorPayment(main, { id }) {
  put(main, pageHeader('Vendor payment'), loading());
  try {
    const p = await api('GET', `/api/v1/vendor-payments/${id}`);
    location.replace(`#/bills/${p.bill_id}`);
  } catch (e) {
    put(clear(main), pageHeader('Vendor payment'), problemBox(e));
  }
}

// ---- payables by age ---------------------------------------------------------------------

export async function renderPayables(main, _p, query) {
  const branchId = query.get('branch_id') || '';
  put(main, pageHeader('Payables'));
  put(main, h('p.lede', 'What is owed to vendors on posted bills, by age.'));
  const branches = await purchaseList('branches', 'org.branches:read').catch(() => []);
  if (branches.length) {
    const branch = field({ name: 'branch_id', label: 'Branch', type: 'select', value: branchId, options: [['', 'All branches'], ...branches.map((b) => [b.id, `${b.code} · ${b.name}`])] });
    const form = h('form.filters', { role: 'search', 'aria-label': 'Payables branch' }, branch, h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Show')));
    form.addEventListener('submit', (ev) => { ev.preventDefault(); go(`#/payables${qs({ branch_id: branch.input.value })}`); });
    put(main, form);
  }
  const box = h('section.panel', { 'aria-labelledby': 'payables-h' }, h('h2', { id: 'payables-h' }, 'Payables by age'), loading());
  put(main, box);
  let data;
  try {
    data = await api('GET', '/api/v1/reports/payables', { query: { branch_id: branchId } });
  } catch (e) {
    put(clear(box), h('h2', { id: 'payables-h' }, 'Payables by age'), problemBox(e, () => go(`#/payables${qs({ branch_id: branchId, t: Date.now() })}`)));
    return;
  }
  const rows = data.vendors || data.items || [];
  const totals = AGING_BUCKETS.map(([k]) => (data.totals ? bucketAmount(data.totals, k) : rows.reduce((a, r) => a + bucketAmount(r, k), 0n)));
  const outstanding = data.totals ? outstandingOf(data.totals) : rows.reduce((a, r) => a + outstandingOf(r), 0n);
  const billCount = data.totals?.bills ?? rows.reduce((a, r) => a + Number(r.bills || 0), 0);
  put(clear(box),
    h('h2', { id: 'payables-h' }, 'Payables by age'),
    h('p.big-number', h('span.big-label', 'Outstanding '), h('span', { 'data-testid': 'payables-total' }, fmtPaise(outstanding))),
    data.as_of ? h('p.hint', `As of ${fmtDate(data.as_of)}.`) : null,
    totals.some((t) => t > 0n) ? agingChart(totals, 'Payables by aging bucket') : null,
    rows.length ? h('div.table-wrap', h('table.table.report-table',
      h('caption', 'Payables by vendor'),
      h('thead', h('tr', ['Vendor', 'GSTIN', 'Bills', ...AGING_BUCKETS.map(([, l]) => l), 'Outstanding'].map((t, i) => h('th', { scope: 'col', class: i >= 2 ? 'num' : '' }, t)))),
      h('tbody', rows.map((r) => h('tr', { 'data-vendor': r.vendor_id },
        h('th', { scope: 'row' }, h('a', { href: `#/vendors/${r.vendor_id}` }, r.vendor_name || r.name || 'Vendor')),
        h('td', r.gstin || '—'),
        h('td.num', String(r.bills ?? '—')),
        AGING_BUCKETS.map(([k]) => h('td.num', { 'data-bucket': k }, fmtPaise(bucketAmount(r, k)))),
        h('td.num', { 'data-bucket': 'outstanding' }, fmtPaise(outstandingOf(r)))))),
      h('tfoot', h('tr', h('th', { scope: 'row', colspan: 2 }, 'Total'),
        h('td.num', String(billCount)),
        totals.map((t) => h('td.num', fmtPaise(t))),
        h('td.num', fmtPaise(outstanding))))))
      : h('p.empty', 'Nothing is owed to vendors.'));
}
