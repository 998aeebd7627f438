// Customers and items.

import { fmtPaise, fmtRate } from './util.js';
import { field, values } from './components.js';
import { crudPage, changed, opt } from './crud.js';
import { rules, GST_RATES_BP } from './validate.js';
import { parseRupees, paiseToInput } from './money.js';
import { stateOptions, stateName } from './pages-branches.js';

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
      { label: 'Name', render: (r) => r.name },
      { label: 'GSTIN', render: (r) => r.gstin || 'Unregistered' },
      { label: 'State', render: (r) => stateName(r.state_code) },
      { label: 'Email', render: (r) => r.email || '—' },
      { label: 'Phone', render: (r) => r.phone || '—' },
    ],
    fields: (r) => {
      const gstin = field({ name: 'gstin', label: 'GSTIN (optional)', value: r?.gstin, transform: 'upper', hint: 'The state is taken from the first two digits.', validate: rules.gstin });
      const state = field({ name: 'state_code', label: 'GST state', type: 'select', required: true, value: r?.state_code, options: stateOptions(), validate: (v) => {
        const g = gstin.input.value.trim().toUpperCase();
        if (g.length >= 2 && /^\d\d/.test(g) && v !== g.slice(0, 2)) return { message: `the GSTIN belongs to state ${g.slice(0, 2)}` };
        return rules.stateCode(v);
      } });
      gstin.input.addEventListener('input', () => {
        const g = gstin.input.value.trim();
        if (/^\d\d/.test(g)) state.input.value = g.slice(0, 2);
      });
      return [
        field({ name: 'name', label: 'Name', required: true, value: r?.name, validate: (v) => (v.trim() ? null : { message: 'name is required' }) }),
        gstin, state,
        field({ name: 'email', label: 'Email', type: 'email', value: r?.email, validate: rules.email }),
        field({ name: 'phone', label: 'Phone', type: 'tel', value: r?.phone }),
        field({ name: 'billing_address', label: 'Billing address', type: 'textarea', value: r?.billing_address, wide: true }),
      ];
    },
    body: (f, r) => {
      const v = values(f);
      return changed({ name: v.name, gstin: opt(v.gstin), state_code: v.state_code, email: opt(v.email), phone: opt(v.phone), billing_address: opt(v.billing_address) }, r);
    },
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
    ],
    fields: (r) => [
      field({ name: 'sku', label: 'SKU', required: true, value: r?.sku, validate: (v) => (v.trim() ? null : { message: 'SKU is required' }) }),
      field({ name: 'name', label: 'Name', required: true, value: r?.name, validate: (v) => (v.trim() ? null : { message: 'name is required' }) }),
      field({ name: 'hsn_sac', label: 'HSN/SAC code', required: true, value: r?.hsn_sac, attrs: { inputmode: 'numeric' }, validate: rules.hsn }),
      field({ name: 'unit', label: 'Unit', value: r?.unit || 'NOS', hint: 'e.g. NOS, KG, MTR, HRS' }),
      field({ name: 'unit_price_paise', label: 'Unit price (₹)', required: true, value: r ? paiseToInput(r.unit_price_paise) : '', attrs: { inputmode: 'decimal' }, validate: (v) => (parseRupees(v) === undefined || parseRupees(v) === null ? { message: 'enter an amount in rupees, e.g. 1250.50' } : null) }),
      field({ name: 'gst_rate_bp', label: 'GST rate', type: 'select', required: true, value: r ? r.gst_rate_bp : 1800, options: GST_RATES_BP.map((bp) => [bp, fmtRate(bp)]) }),
    ],
    body: (f, r) => {
      const v = values(f);
      return changed({ sku: v.sku, name: v.name, hsn_sac: v.hsn_sac, unit: v.unit, unit_price_paise: Number(parseRupees(v.unit_price_paise)), gst_rate_bp: Number(v.gst_rate_bp) }, r);
    },
  });
}

