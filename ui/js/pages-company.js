// The company profile (GET/PUT /api/v1/company): the seller's legal name, PAN, address,
// bank and UPI details printed on every tax document, and the logo
// (PUT/GET /api/v1/company/logo, raw PNG or JPEG).

import { h, put, clear, fmtInstant } from './util.js';
import { api, session } from './api.js';
import {
  pageHeader, field, formErrorBox, clearErrors, validateForm, applyProblem, busy, announce,
  problemBox, loading, dl, errorText,
} from './components.js';
import { rules } from './validate.js';
import { go } from './router.js';

const UPI_RE = /^[A-Za-z0-9._-]{2,}@[A-Za-z0-9.-]{2,}$/;
const LOGO_MAX = 512 * 1024;

export function upiRule(v) {
  const s = String(v || '').trim();
  if (s.length < 3 || s.length > 100 || !UPI_RE.test(s)) return { code: 'invalid_format', message: 'a UPI ID looks like name@bank (3 to 100 characters)' };
  return null;
}

// The logo as a data: URL (the UI's CSP allows data: images but not blob: ones).
async function logoDataUrl() {
  const res = await api('GET', '/api/v1/company/logo', { raw: true, headers: { Accept: 'image/png, image/jpeg' } });
  const blob = await res.blob();
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

function logoSection(co, canWrite) {
  const preview = h('div.logo-preview', { 'aria-live': 'polite' });
  const showLogo = async () => {
    clear(preview);
    try {
      const url = await logoDataUrl();
      put(preview, h('img.logo-img', { src: url, alt: 'Company logo', 'data-testid': 'logo-preview' }));
    } catch (e) {
      put(preview, h('p.muted', e.status === 404 ? 'No logo uploaded yet.' : `Logo not available: ${errorText(e)}`));
    }
  };
  if (co.logo_file_id) showLogo(); else put(preview, h('p.muted', 'No logo uploaded yet.'));
  let form = null;
  if (canWrite) {
    const input = h('input', { type: 'file', id: 'logo-file', name: 'logo', 'data-field': 'logo', accept: 'image/png,image/jpeg', 'aria-describedby': 'logo-file-hint logo-file-err' });
    const submit = h('button.btn', { type: 'submit' }, 'Upload logo');
    form = h('form.upload-form', { novalidate: true }, formErrorBox(),
      h('div.field', h('label', { for: input.id }, 'Logo file'), input,
        h('p.hint', { id: 'logo-file-hint' }, 'PNG or JPEG, at most 512 KiB. Printed at the top of invoices and notes.'),
        h('p.field-error', { id: 'logo-file-err', hidden: true })),
      h('div.form-actions', submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const file = input.files && input.files[0];
      if (!file) { applyProblem(form, { errors: [{ field: 'logo', message: 'choose a PNG or JPEG file first' }] }); return; }
      if (file.size > LOGO_MAX) { applyProblem(form, { errors: [{ field: 'logo', message: 'the logo may be at most 512 KiB' }] }); return; }
      try {
        await busy(submit, 'Uploading…', () => api('PUT', '/api/v1/company/logo', { form: file, headers: { 'Content-Type': file.type || 'application/octet-stream' } }));
        input.value = '';
        announce('Logo uploaded.');
        showLogo();
      } catch (e) {
        applyProblem(form, e);
      }
    });
  }
  return h('section.panel', { 'aria-labelledby': 'logo-h' }, h('h2', { id: 'logo-h' }, 'Logo'), preview, form);
}

export async function renderCompany(main) {
  put(main, loading());
  let co;
  try {
    co = await api('GET', '/api/v1/company');
  } catch (e) {
    put(clear(main), pageHeader('Company profile'), problemBox(e));
    return;
  }
  clear(main);
  const canWrite = session.can('org.company:write');
  put(main, pageHeader('Company profile'),
    h('p.lede', 'What every tax invoice, credit note and debit note prints as the supplier. Issued documents keep the details they were issued with; changes here apply to documents issued from now on.'));
  if (!canWrite) {
    put(main, h('section.panel', { 'aria-label': 'Company' }, dl([
      ['Legal name', co.legal_name || '—'],
      ['Trade name', co.trade_name || '—'],
      ['PAN', co.pan || '—'],
      ['Registered address', co.registered_address || '—'],
      ['Bank account', co.bank?.account_number || '—'],
      ['IFSC', co.bank?.ifsc || '—'],
      ['Bank name', co.bank?.bank_name || '—'],
      ['UPI ID', co.upi_id || '—'],
      ['Invoice terms', co.invoice_terms || '—'],
      ['E-invoicing', co.e_invoicing ? 'Yes' : 'No'],
      ['Last updated', fmtInstant(co.updated_at)],
    ])), logoSection(co, false));
    return;
  }
  const bank = co.bank || {};
  const f = {
    legal_name: field({ name: 'legal_name', label: 'Legal name', required: true, value: co.legal_name, hint: 'As registered (needed to issue any document).', validate: (v) => (String(v).trim() ? null : { message: 'legal name is required' }) }),
    trade_name: field({ name: 'trade_name', label: 'Trade name', value: co.trade_name }),
    pan: field({ name: 'pan', label: 'PAN', value: co.pan, transform: 'upper', attrs: { maxlength: 10, autocomplete: 'off' }, hint: 'Characters 3–12 of every branch GSTIN must be this PAN.', validate: rules.pan }),
    registered_address: field({ name: 'registered_address', label: 'Registered address', type: 'textarea', value: co.registered_address, wide: true }),
    account: field({ name: 'bank.account_number', label: 'Bank account number', value: bank.account_number, attrs: { autocomplete: 'off', inputmode: 'numeric' }, hint: bank.account_number ? 'Shown masked; leave it as it is to keep the stored number.' : '9 to 18 digits.', validate: (v) => (String(v).includes('*') ? null : rules.accountNumber(v)) }),
    ifsc: field({ name: 'bank.ifsc', label: 'IFSC', value: bank.ifsc, transform: 'upper', attrs: { maxlength: 11 }, validate: rules.ifsc }),
    bank_name: field({ name: 'bank.bank_name', label: 'Bank name', value: bank.bank_name }),
    upi_id: field({ name: 'upi_id', label: 'UPI ID', value: co.upi_id, hint: 'e.g. kesarfoods@hdfcbank; printed as a payment QR code while a balance is due.', validate: upiRule }),
    invoice_terms: field({ name: 'invoice_terms', label: 'Invoice terms', type: 'textarea', value: co.invoice_terms, wide: true, rows: 4 }),
    e_invoicing: field({ name: 'e_invoicing', label: 'E-invoicing applies (IRN required)', type: 'checkbox', value: co.e_invoicing }),
  };
  const submit = h('button.btn.btn-primary', { type: 'submit' }, 'Save company profile');
  const form = h('form.form', { novalidate: true, 'aria-label': 'Company profile' },
    formErrorBox(),
    h('fieldset.section', h('legend', 'Company'), h('div.form-grid', f.legal_name, f.trade_name, f.pan, f.registered_address)),
    h('fieldset.section', h('legend', 'Payment details'), h('div.form-grid', f.account, f.ifsc, f.bank_name, f.upi_id)),
    h('fieldset.section', h('legend', 'Documents'), h('div.form-grid', f.invoice_terms, f.e_invoicing)),
    h('p.hint', `Version ${co.version ?? '—'} · last updated ${fmtInstant(co.updated_at)}`),
    h('div.form-actions', submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!validateForm(form)) return;
    const v = (k) => f[k].input.value.trim();
    const account = v('account');
    const hasBank = account || v('ifsc') || v('bank_name');
    // The API takes the bank as a whole: number, IFSC and bank name together.
    if (hasBank) {
      const missing = [['account', 'bank.account_number', 'the account number'], ['ifsc', 'bank.ifsc', 'the IFSC'], ['bank_name', 'bank.bank_name', 'the bank name']]
        .filter(([k]) => !v(k)).map(([, field, what]) => ({ field, message: `${what} is needed with the other bank details` }));
      if (missing.length) { applyProblem(form, { errors: missing }); return; }
    }
    const body = {
      legal_name: v('legal_name'),
      trade_name: v('trade_name'),
      pan: v('pan').toUpperCase() || null,
      registered_address: v('registered_address'),
      bank: hasBank ? { account_number: account, ifsc: v('ifsc').toUpperCase(), bank_name: v('bank_name') } : null,
      upi_id: v('upi_id') || null,
      invoice_terms: v('invoice_terms'),
      e_invoicing: f.e_invoicing.input.checked,
    };
    try {
      await busy(submit, 'Saving…', () => api('PUT', '/api/v1/company', { body, headers: co.version != null ? { 'If-Match': `"${co.version}"` } : {} }));
      announce('Company profile saved.');
      go(`#/company?t=${Date.now()}`);
    } catch (e) {
      if (e.status === 412) {
        e.problem.detail = 'Someone else changed the profile meanwhile. Reload the page to see their changes, then make yours again.';
      }
      applyProblem(form, e);
    }
  });
  put(main, form, logoSection(co, true));
}
