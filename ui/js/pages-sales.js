// Customers (with their GST registration and credit balance, and refunds of that
// credit) and items.

import { h, put, clear, fmtPaise, fmtRate, fmtDate, todayIso, newUuid, titleCase } from './util.js';
import { api, session, getAll } from './api.js';
import {
  field, values, pageHeader, problemBox, loading, dl, pagedTable, badge, openDialog, formErrorBox,
  clearErrors, validateForm, applyProblem, busy, announce,
} from './components.js';
import { crudPage, changed, opt } from './crud.js';
import { rules, GST_RATES_BP } from './validate.js';
import { parseRupees, paiseToInput } from './money.js';
import { stateOptions, stateName } from './pages-branches.js';
import { go } from './router.js';

export const REGISTRATIONS = [
  ['regular', 'Regular (GST registered)'],
  ['unregistered', 'Unregistered'],
  ['sez', 'SEZ unit or developer'],
  ['export', 'Export (outside India)'],
];
export function registrationName(r) {
  const found = REGISTRATIONS.find(([v]) => v === r);
  return found ? found[1] : titleCase(r || 'regular');
}

export function renderCustomers(main) {
  crudPage(main, {
    title: 'Customers',
    noun: 'customer',
    path: '/api/v1/customers',
    writePerm: 'sales.customers:write',
    label: (r) => r.name,
    filters: [
      { name: 'q', label: 'Name starts with', attrs: { type: 'search' } },
      { name: 'gstin', label: 'GSTIN', transform: 'upper' },
    ],
    columns: [
      { label: 'Name', render: (r) => h('a', { href: `#/customers/${r.id}` }, r.name) },
      { label: 'GSTIN', render: (r) => r.gstin || (r.registration === 'export' ? 'Export' : 'Unregistered') },
      { label: 'Registration', render: (r) => registrationName(r.registration || (r.gstin ? 'regular' : 'unregistered')) },
      { label: 'State', render: (r) => stateName(r.state_code) },
      { label: 'Credit', className: 'num', render: (r) => fmtPaise(r.credit_balance_paise || 0) },
      { label: 'Email', render: (r) => r.email || '—' },
    ],
    fields: (r) => {
      const registration = field({ name: 'registration', label: 'GST registration', type: 'select', required: true,
        value: r?.registration || (r?.gstin ? 'regular' : 'unregistered'), options: REGISTRATIONS,
        hint: 'SEZ supplies always carry IGST (or none under LUT); exports are placed in state 96 (Other Countries).' });
      const gstin = field({ name: 'gstin', label: 'GSTIN (optional)', value: r?.gstin, transform: 'upper', hint: 'The state is taken from the first two digits. Required for regular and SEZ customers.', validate: rules.gstin });
      const reg = () => registration.input.value;
      const gstinRule = gstin.input._validate;
      gstin.input._validate = () => {
        if (reg() === 'export') return null;
        if (!gstin.input.value.trim() && (reg() === 'regular' || reg() === 'sez')) return { message: `a ${reg() === 'sez' ? 'SEZ' : 'regular'} customer needs a GSTIN` };
        return gstinRule();
      };
      const state = field({ name: 'state_code', label: 'GST state', type: 'select', required: true, value: r?.state_code, options: stateOptions('Choose a state', { foreign: true }), validate: (v) => {
        if (reg() === 'export') return v === '96' ? null : { message: 'an export customer is in state 96 (Other Countries)' };
        if (v === '96') return { message: 'state 96 is only for export customers' };
        const g = gstin.input.value.trim().toUpperCase();
        if (g.length >= 2 && /^\d\d/.test(g) && v !== g.slice(0, 2)) return { message: `the GSTIN belongs to state ${g.slice(0, 2)}` };
        return rules.stateCode(v);
      } });
      // A new customer's registration follows the GSTIN (regular with one, else
      // unregistered, as the server defaults) until it is chosen by hand.
      let regTouched = !!r;
      registration.input.addEventListener('change', () => { regTouched = true; });
      gstin.input.addEventListener('input', () => {
        const g = gstin.input.value.trim();
        if (/^\d\d/.test(g)) state.input.value = g.slice(0, 2);
        if (!regTouched) registration.input.value = g ? 'regular' : 'unregistered';
      });
      const applyRegistration = () => {
        const exp = reg() === 'export';
        gstin.hidden = exp;
        if (exp) { gstin.input.value = ''; state.input.value = '96'; }
        else if (state.input.value === '96') state.input.value = '';
      };
      registration.input.addEventListener('change', applyRegistration);
      applyRegistration();
      return [
        field({ name: 'name', label: 'Name', required: true, value: r?.name, validate: (v) => (v.trim() ? null : { message: 'name is required' }) }),
        registration, gstin, state,
        field({ name: 'email', label: 'Email', type: 'email', value: r?.email, validate: rules.email }),
        field({ name: 'phone', label: 'Phone', type: 'tel', value: r?.phone }),
        field({ name: 'billing_address', label: 'Billing address', type: 'textarea', value: r?.billing_address, wide: true }),
      ];
    },
    body: (f, r) => {
      const v = values(f);
      const exp = v.registration === 'export';
      return changed({ name: v.name, registration: v.registration, gstin: exp ? null : opt(v.gstin), state_code: exp ? '96' : v.state_code, email: opt(v.email), phone: opt(v.phone), billing_address: opt(v.billing_address) }, r);
    },
  });
}

// One customer: registration, credit balance (from credit notes beyond an invoice's
// balance), refunds of that credit, and the customer's invoices.
export async function renderCustomer(main, { id }) {
  put(main, loading());
  let c;
  try {
    c = await api('GET', `/api/v1/customers/${id}`);
  } catch (e) {
    put(clear(main), pageHeader('Customer'), problemBox(e));
    return;
  }
  clear(main);
  const credit = BigInt(c.credit_balance_paise || 0);
  const actions = [h('a.btn', { href: '#/customers' }, 'All customers')];
  if (session.can('books.reports:read')) actions.push(h('a.btn', { href: `#/customers/${c.id}/statement` }, 'Statement of account'));
  if (credit > 0n && session.can('sales.payments:write')) {
    const refund = h('button.btn.btn-primary', { type: 'button' }, 'Refund credit');
    refund.addEventListener('click', () => refundDialog(c, () => go(`#/customers/${c.id}?t=${Date.now()}`)));
    actions.push(refund);
  }
  put(main, pageHeader(c.name, actions),
    h('section.panel', { 'aria-label': 'Customer' }, h('h2', 'Details'), dl([
      ['Registration', registrationName(c.registration || (c.gstin ? 'regular' : 'unregistered'))],
      ['GSTIN', c.gstin || '—'],
      ['GST state', stateName(c.state_code)],
      ['Billing address', c.billing_address || '—'],
      ['Email', c.email || '—'],
      ['Phone', c.phone || '—'],
      ['Credit balance', h('strong', { 'data-testid': 'credit-balance' }, fmtPaise(c.credit_balance_paise || 0))],
    ]), credit > 0n ? h('p.hint', 'Credit comes from credit notes beyond an invoice\'s balance. Use it in a payment ("From customer credit") or refund it.') : null));
  if (session.can('sales.invoices:read')) {
    put(main, h('section.panel', { 'aria-labelledby': 'cust-inv-h' }, h('h2', { id: 'cust-inv-h' }, 'Invoices'), pagedTable({
      caption: `Invoices of ${c.name}`,
      empty: 'No invoices yet.',
      columns: [
        { label: 'Invoice', render: (r) => h('a', { href: `#/invoices/${r.id}` }, r.number || 'Draft') },
        { label: 'Date', className: 'nowrap', render: (r) => fmtDate(r.invoice_date) },
        { label: 'Status', render: (r) => badge(r.status) },
        { label: 'Total', className: 'num', render: (r) => fmtPaise(r.grand_total_paise) },
        { label: 'Balance', className: 'num', render: (r) => fmtPaise(r.balance_due_paise) },
      ],
      load: (cursor) => api('GET', '/api/v1/invoices', { query: { customer_id: c.id, limit: 20, cursor } }),
    })));
  }
}

// A refund of customer credit: a payment with a negative amount, naming one of the
// customer's invoices, with an Idempotency-Key per attempt.
async function refundDialog(c, done) {
  let invoices = [];
  try {
    invoices = (await getAll('/api/v1/invoices', { customer_id: c.id })).filter((i) => i.number && i.status !== 'draft');
  } catch { /* the select stays empty and the API says why */ }
  let key = newUuid();
  let lastBody = null;
  const max = BigInt(c.credit_balance_paise || 0);
  const amount = field({ name: 'amount_paise', label: 'Refund amount (₹)', required: true, value: paiseToInput(max), attrs: { inputmode: 'decimal' }, hint: `Credit balance ${fmtPaise(max)}`, validate: (v) => {
    const p = parseRupees(v);
    if (p === undefined || p === null || p <= 0n) return { message: 'enter an amount in rupees greater than zero' };
    if (p > max) return { message: `cannot exceed the credit balance of ${fmtPaise(max)}` };
    return null;
  } });
  const method = field({ name: 'method', label: 'Refunded by', type: 'select', required: true, value: 'bank_transfer', options: [['bank_transfer', 'Bank transfer'], ['upi', 'UPI'], ['cheque', 'Cheque'], ['cash', 'Cash']] });
  const invoice = field({ name: 'invoice_id', label: 'Against invoice', type: 'select', required: true, options: [['', 'Choose an invoice'], ...invoices.map((i) => [i.id, `${i.number} · ${fmtDate(i.invoice_date)}`])], hint: 'Any invoice of this customer; the refund is recorded with it.', validate: (v) => (v ? null : { message: 'choose an invoice' }) });
  if (invoices.length) invoice.input.value = invoices[0].id;
  const reference = field({ name: 'reference', label: 'Reference', hint: 'UTR, cheque number or voucher number' });
  const paidOn = field({ name: 'received_on', label: 'Refunded on', type: 'date', required: true, value: todayIso(), validate: (v) => (v ? null : { message: 'date is required' }) });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, 'Record refund');
  const cancel = h('button.btn', { type: 'button' }, 'Cancel');
  const form = h('form.form', { novalidate: true }, formErrorBox(), h('div.form-grid', amount, method, invoice, reference, paidOn), h('div.form-actions', submit, cancel));
  const { close } = openDialog(`Refund credit to ${c.name}`, form);
  cancel.addEventListener('click', close);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!validateForm(form)) return;
    const body = {
      invoice_id: invoice.input.value,
      amount_paise: -Number(parseRupees(amount.input.value)),
      method: method.input.value,
      reference: reference.input.value.trim() || null,
      received_on: paidOn.input.value,
    };
    const text = JSON.stringify(body);
    if (lastBody !== null && lastBody !== text) key = newUuid();
    lastBody = text;
    try {
      await busy(submit, 'Recording…', () => api('POST', '/api/v1/payments', { body, headers: { 'Idempotency-Key': key } }));
      close();
      announce(`Refund of ${fmtPaise(-body.amount_paise)} recorded.`);
      done();
    } catch (e) {
      if (e.status !== 0) { key = newUuid(); lastBody = null; }
      applyProblem(form, e);
    }
  });
}

export function renderItems(main) {
  crudPage(main, {
    title: 'Items',
    noun: 'item',
    path: '/api/v1/items',
    writePerm: 'sales.items:write',
    label: (r) => `${r.sku} ${r.name}`,
    filters: [{ name: 'q', label: 'Search', attrs: { type: 'search' } }],
    columns: [
      { label: 'SKU', render: (r) => r.sku },
      { label: 'Name', render: (r) => r.name },
      { label: 'HSN/SAC', render: (r) => r.hsn_sac },
      { label: 'Unit', render: (r) => r.unit || '—' },
      { label: 'Unit price', className: 'num', render: (r) => fmtPaise(r.unit_price_paise) },
      { label: 'GST', className: 'num', render: (r) => fmtRate(r.gst_rate_bp) },
      { label: 'Stock', render: (r) => (r.track_stock ? 'Kept' : '—') },
    ],
    fields: (r) => [
      field({ name: 'sku', label: 'SKU', required: true, value: r?.sku, validate: (v) => (v.trim() ? null : { message: 'SKU is required' }) }),
      field({ name: 'name', label: 'Name', required: true, value: r?.name, validate: (v) => (v.trim() ? null : { message: 'name is required' }) }),
      field({ name: 'hsn_sac', label: 'HSN/SAC code', required: true, value: r?.hsn_sac, attrs: { inputmode: 'numeric' }, validate: rules.hsn }),
      field({ name: 'unit', label: 'Unit', value: r?.unit || 'NOS', hint: 'e.g. NOS, KG, MTR, HRS' }),
      field({ name: 'unit_price_paise', label: 'Unit price (₹)', required: true, value: r ? paiseToInput(r.unit_price_paise) : '', attrs: { inputmode: 'decimal' }, validate: (v) => (parseRupees(v) === undefined || parseRupees(v) === null ? { message: 'enter an amount in rupees, e.g. 1250.50' } : null) }),
      field({ name: 'gst_rate_bp', label: 'GST rate', type: 'select', required: true, value: r ? r.gst_rate_bp : 1800, options: GST_RATES_BP.map((bp) => [bp, fmtRate(bp)]) }),
      field({ name: 'track_stock', label: 'Keep stock of this item', type: 'checkbox', value: !!r?.track_stock, wide: true,
        hint: 'Bills bring it into stock at their branch, invoices take it out. It can be turned off only while no branch holds any.' }),
    ],
    body: (f, r) => {
      const v = values(f);
      return changed({ sku: v.sku, name: v.name, hsn_sac: v.hsn_sac, unit: v.unit, unit_price_paise: Number(parseRupees(v.unit_price_paise)), gst_rate_bp: Number(v.gst_rate_bp), track_stock: !!v.track_stock }, r);
    },
  });
}

