// Employees: searchable list, detail with masked identity numbers (Reveal only for
// hr.employees:reveal), create/edit with inline PAN / Aadhaar / IFSC checks, documents.

import { h, put, clear, fmtPaise, fmtDate, fmtInstant } from './util.js';
import { api, session, getAll } from './api.js';
import {
  pageHeader, pagedTable, announce, field, values, formErrorBox, clearErrors, validateForm,
  applyProblem, busy, problemBox, showError, loading, badge, dl, errorText,
} from './components.js';
import { rules } from './validate.js';
import { parseRupees, paiseToInput } from './money.js';
import { go } from './router.js';
import { documentsSection } from './files.js';

let branchCache = null;
export async function branchesList() {
  if (!branchCache) branchCache = await getAll('/api/v1/branches');
  return branchCache;
}
export function forgetBranches() { branchCache = null; }

function branchLabel(branches, id) {
  const b = branches.find((x) => x.id === id);
  return b ? `${b.code} · ${b.name}` : (id ? '—' : 'All');
}

export async function renderEmployees(main, _params, query) {
  const canWrite = session.can('hr.employees:write');
  put(main, pageHeader('Employees', canWrite ? h('a.btn.btn-primary', { href: '#/employees/new' }, 'New employee') : null));
  const branches = session.can('org.branches:read') ? await branchesList().catch(() => []) : [];
  const state = { q: query.get('q') || '', branch_id: query.get('branch_id') || '', status: query.get('status') || '' };
  const q = field({ name: 'q', label: 'Name starts with', value: state.q, attrs: { type: 'search' } });
  const br = field({ name: 'branch_id', label: 'Branch', type: 'select', value: state.branch_id, options: [['', 'All branches'], ...branches.map((b) => [b.id, `${b.code} · ${b.name}`])] });
  const st = field({ name: 'status', label: 'Status', type: 'select', value: state.status, options: [['', 'Any status'], ['active', 'Active'], ['exited', 'Exited']] });
  const filters = h('form.filters', { role: 'search', 'aria-label': 'Filter employees' }, q, br, st,
    h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Apply'), h('button.btn.btn-link', { type: 'reset' }, 'Clear')));
  let list;
  const apply = () => {
    state.q = q.input.value.trim();
    state.branch_id = br.input.value;
    state.status = st.input.value;
    list.reload(true);
  };
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
  filters.addEventListener('reset', () => setTimeout(apply, 0));
  put(main, filters);
  list = pagedTable({
    caption: 'Employees',
    empty: 'No employees match.',
    columns: [
      { label: 'Code', render: (e) => h('a', { href: `#/employees/${e.id}` }, e.employee_code) },
      { label: 'Name', render: (e) => e.name },
      { label: 'Designation', render: (e) => e.designation || '—' },
      { label: 'Department', render: (e) => e.department || '—' },
      { label: 'Branch', render: (e) => branchLabel(branches, e.branch_id) },
      { label: 'PAN', render: (e) => h('span.mono', e.pan || '—') },
      { label: 'Status', render: (e) => badge(e.status) },
    ],
    load: (cursor) => api('GET', '/api/v1/employees', { query: { ...state, limit: 50, cursor } }),
  });
  put(main, list);
  put(main, lookupBox());
}

// Exact lookup by PAN or Aadhaar: POST, so the number never travels in a URL.
function lookupBox() {
  const kind = field({ name: 'kind', label: 'Find by', type: 'select', options: [['pan', 'PAN'], ['aadhaar', 'Aadhaar']] });
  const num = field({ name: 'number', label: 'Number', attrs: { autocomplete: 'off' }, transform: 'upper' });
  const out = h('div.lookup-result', { 'aria-live': 'polite' });
  const submit = h('button.btn', { type: 'submit' }, 'Find');
  const form = h('form.filters', { 'aria-label': 'Find an employee by PAN or Aadhaar' }, formErrorBox(), kind, num, h('div.filter-actions', submit));
  num.input.dataset.field = 'pan';
  kind.input.addEventListener('change', () => { num.input.dataset.field = kind.input.value; });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const k = kind.input.value;
    const problem = rules[k](num.input.value);
    if (problem) { showError(num.input, problem.message); num.input.focus(); return; }
    try {
      const res = await busy(submit, 'Searching…', () => api('POST', '/api/v1/employees/lookup', { body: { [k]: num.input.value.trim().toUpperCase().replace(/ /g, '') } }));
      const items = res.items || [];
      put(clear(out), items.length
        ? h('ul', items.map((e) => h('li', h('a', { href: `#/employees/${e.id}` }, `${e.employee_code} · ${e.name}`))))
        : h('p', 'No employee has that number.'));
    } catch (e) {
      applyProblem(form, e);
    }
  });
  return h('section.panel', { 'aria-labelledby': 'lookup-h' }, h('h2', { id: 'lookup-h' }, 'Find by PAN or Aadhaar'), form, out);
}

// Revealed identity numbers are masked again after this many milliseconds. <html
// data-reveal-ms="…"> overrides it (the browser tests use a shorter delay).
export const REVEAL_HIDE_MS = 30000;
export function revealDelayMs() {
  const v = Number(document.documentElement.dataset.revealMs);
  return Number.isFinite(v) && v > 0 ? v : REVEAL_HIDE_MS;
}

export async function renderEmployee(main, { id }) {
  put(main, loading());
  let emp;
  let branches = [];
  try {
    emp = await api('GET', `/api/v1/employees/${id}`);
    if (session.can('org.branches:read')) branches = await branchesList().catch(() => []);
  } catch (e) {
    put(clear(main), pageHeader('Employee'), problemBox(e));
    return;
  }
  clear(main);
  const canWrite = session.can('hr.employees:write');
  const canReveal = session.can('hr.employees:reveal');
  put(main, pageHeader(`${emp.name}`, canWrite ? h('a.btn', { href: `#/employees/${emp.id}/edit` }, 'Edit') : null));
  const pan = h('span.mono', { 'data-sensitive': 'pan' }, emp.pan || '—');
  const aadhaar = h('span.mono', { 'data-sensitive': 'aadhaar' }, emp.aadhaar || '—');
  const acct = h('span.mono', { 'data-sensitive': 'account_number' }, emp.bank_account?.account_number || '—');
  let revealBtn = null;
  if (canReveal) {
    let shown = false;
    let hideTimer = null;
    revealBtn = h('button.btn.btn-small', { type: 'button', 'aria-pressed': 'false' }, 'Reveal');
    const mask = () => {
      clearTimeout(hideTimer);
      hideTimer = null;
      pan.textContent = emp.pan || '—';
      aadhaar.textContent = emp.aadhaar || '—';
      acct.textContent = emp.bank_account?.account_number || '—';
      shown = false;
      revealBtn.textContent = 'Reveal';
      revealBtn.setAttribute('aria-pressed', 'false');
    };
    revealBtn.addEventListener('click', async () => {
      if (shown) { mask(); return; }
      try {
        const full = await busy(revealBtn, 'Revealing…', () => api('GET', `/api/v1/employees/${emp.id}`, { query: { reveal: 'true' } }));
        pan.textContent = full.pan || '—';
        aadhaar.textContent = full.aadhaar || '—';
        acct.textContent = full.bank_account?.account_number || '—';
        shown = true;
        revealBtn.textContent = 'Hide';
        revealBtn.setAttribute('aria-pressed', 'true');
        const ms = revealDelayMs();
        clearTimeout(hideTimer);
        hideTimer = setTimeout(() => {
          if (!shown) return;
          mask();
          // Only announced while the employee is still on screen.
          if (pan.isConnected) announce('Sensitive numbers hidden again.');
        }, ms);
        announce(`Sensitive numbers revealed for ${Math.round(ms / 1000)} seconds. This view is recorded in the audit log.`);
      } catch (e) {
        announce(errorText(e), 'error');
      }
    });
  }
  put(main, 
    h('div.detail-grid',
      h('section.panel', h('h2', 'Employment'), dl([
        ['Employee code', emp.employee_code],
        ['Status', badge(emp.status)],
        ['Branch', branchLabel(branches, emp.branch_id)],
        ['Department', emp.department],
        ['Designation', emp.designation],
        ['Date of joining', fmtDate(emp.date_of_joining)],
        ['Monthly salary', fmtPaise(emp.monthly_salary_paise)],
        ['Email', emp.email],
        ['Phone', emp.phone],
        ['Updated', fmtInstant(emp.updated_at)],
      ])),
      h('section.panel', { 'aria-labelledby': 'ids-h' },
        h('div.panel-head', h('h2', { id: 'ids-h' }, 'Identity and bank'), revealBtn),
        dl([
          ['PAN', pan],
          ['Aadhaar', aadhaar],
          ['Bank account', acct],
          ['IFSC', emp.bank_account?.ifsc],
          ['Bank', emp.bank_account?.bank_name],
        ]),
        canReveal ? null : h('p.hint', 'Numbers are masked. Revealing them needs the hr.employees:reveal permission.'))),
    documentsSection({ entity: 'employee', entityId: emp.id, record: emp, canUpload: canWrite, canDownload: canReveal }));
}

export async function renderEmployeeForm(main, { id }) {
  let emp = null;
  put(main, loading());
  let branches = [];
  try {
    if (id) emp = await api('GET', `/api/v1/employees/${id}`);
    branches = await branchesList();
  } catch (e) {
    put(clear(main), pageHeader(id ? 'Edit employee' : 'New employee'), problemBox(e));
    if (!id) branches = [];
    if (id) return;
  }
  clear(main);
  const editing = !!emp;
  const keep = editing ? 'Leave blank to keep the current number.' : '';
  const need = (label) => (v) => (String(v).trim() ? null : { message: `${label} is required` });
  const f = {
    employee_code: field({ name: 'employee_code', label: 'Employee code', required: true, value: emp?.employee_code, validate: need('employee code') }),
    name: field({ name: 'name', label: 'Full name', required: true, value: emp?.name, validate: need('name') }),
    email: field({ name: 'email', label: 'Email', type: 'email', value: emp?.email, validate: rules.email }),
    phone: field({ name: 'phone', label: 'Phone', type: 'tel', value: emp?.phone }),
    branch_id: field({ name: 'branch_id', label: 'Branch', type: 'select', required: true, value: emp?.branch_id, options: [['', 'Choose a branch'], ...branches.map((b) => [b.id, `${b.code} · ${b.name}`])], validate: need('branch') }),
    department: field({ name: 'department', label: 'Department', value: emp?.department }),
    designation: field({ name: 'designation', label: 'Designation', value: emp?.designation }),
    date_of_joining: field({ name: 'date_of_joining', label: 'Date of joining', type: 'date', value: emp?.date_of_joining }),
    monthly_salary_paise: field({ name: 'monthly_salary_paise', label: 'Monthly salary (₹)', value: emp ? paiseToInput(emp.monthly_salary_paise) : '', attrs: { inputmode: 'decimal' }, validate: (v) => (parseRupees(v) === undefined ? { message: 'enter an amount in rupees, e.g. 45000' } : null) }),
    pan: field({ name: 'pan', label: 'PAN', transform: 'upper', attrs: { autocomplete: 'off', placeholder: emp?.pan || 'ABCPE1234F', maxlength: 10 }, hint: keep || 'Five letters, four digits, one letter.', validate: rules.pan }),
    aadhaar: field({ name: 'aadhaar', label: 'Aadhaar', attrs: { autocomplete: 'off', inputmode: 'numeric', placeholder: emp?.aadhaar || '12 digits', maxlength: 14 }, hint: keep || '12 digits; the last is a check digit.', validate: rules.aadhaar }),
    account: field({ name: 'bank_account.account_number', label: 'Bank account number', attrs: { autocomplete: 'off', inputmode: 'numeric', placeholder: emp?.bank_account?.account_number || '9–18 digits' }, hint: editing ? 'Leave blank to keep the current number.' : '9 to 18 digits.', validate: rules.accountNumber }),
    ifsc: field({ name: 'bank_account.ifsc', label: 'IFSC', transform: 'upper', value: emp?.bank_account?.ifsc, attrs: { maxlength: 11 }, validate: rules.ifsc }),
    bank_name: field({ name: 'bank_account.bank_name', label: 'Bank name', value: emp?.bank_account?.bank_name }),
    status: editing ? field({ name: 'status', label: 'Status', type: 'select', value: emp.status, options: [['active', 'Active'], ['exited', 'Exited']] }) : null,
  };
  const submit = h('button.btn.btn-primary', { type: 'submit' }, editing ? 'Save changes' : 'Create employee');
  const form = h('form.form', { novalidate: true },
    formErrorBox(),
    h('fieldset.section', h('legend', 'Employment'), h('div.form-grid', f.employee_code, f.name, f.email, f.phone, f.branch_id, f.department, f.designation, f.date_of_joining, f.monthly_salary_paise, f.status)),
    h('fieldset.section', h('legend', 'Identity (stored encrypted, shown masked)'), h('div.form-grid', f.pan, f.aadhaar)),
    h('fieldset.section', h('legend', 'Bank account'), h('div.form-grid', f.account, f.ifsc, f.bank_name)),
    h('div.form-actions', submit, h('a.btn', { href: editing ? `#/employees/${emp.id}` : '#/employees' }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!validateForm(form)) return;
    const v = values(form);
    if (!editing && v['bank_account.account_number'] && !v['bank_account.ifsc']) {
      applyProblem(form, { errors: [{ field: 'bank_account.ifsc', message: 'IFSC is required with an account number' }] });
      return;
    }
    const body = {};
    const setField = (k, val) => {
      if (editing && JSON.stringify(val) === JSON.stringify(emp[k] ?? null)) return;
      body[k] = val;
    };
    const opt = (x) => (x === '' ? null : x);
    setField('employee_code', v.employee_code);
    setField('name', v.name);
    setField('email', opt(v.email));
    setField('phone', opt(v.phone));
    setField('branch_id', v.branch_id);
    setField('department', v.department);
    setField('designation', v.designation);
    setField('date_of_joining', opt(v.date_of_joining));
    if (v.monthly_salary_paise !== '') setField('monthly_salary_paise', Number(parseRupees(v.monthly_salary_paise)));
    if (v.pan) body.pan = v.pan.toUpperCase();
    if (v.aadhaar) body.aadhaar = v.aadhaar.replace(/ /g, '');
    // On PATCH the server merges bank_account field by field, so the number can stay unsent.
    const bank = {};
    if (v['bank_account.account_number']) bank.account_number = v['bank_account.account_number'];
    if (v['bank_account.ifsc'] && (!editing || v['bank_account.ifsc'].toUpperCase() !== emp.bank_account?.ifsc)) bank.ifsc = v['bank_account.ifsc'].toUpperCase();
    if (v['bank_account.bank_name'] !== (editing ? (emp.bank_account?.bank_name || '') : '')) bank.bank_name = v['bank_account.bank_name'] || null;
    if (Object.keys(bank).length) body.bank_account = bank;
    if (editing) setField('status', v.status);
    try {
      const saved = await busy(submit, 'Saving…', () => (editing
        ? api('PATCH', `/api/v1/employees/${emp.id}`, { body, headers: { 'If-Match': `"${emp.version}"` } })
        : api('POST', '/api/v1/employees', { body })));
      announce(`Employee ${saved.name || v.name} ${editing ? 'updated' : 'created'}.`);
      go(`#/employees/${saved.id || emp.id}`);
    } catch (e) {
      applyProblem(form, e);
    }
  });
  put(main, pageHeader(editing ? `Edit ${emp.name}` : 'New employee'), form);
}
