// Reusable UI pieces: messages (aria-live), form fields with inline errors, paged
// tables driven by next_cursor, dialogs, busy buttons.

import { h, put, clear, uid } from './util.js';
import { ApiError } from './api.js';

// ---- messages ----------------------------------------------------------------
// Route changes call this: a message announced just before a page change (e.g.
// "Invoice created" right before going to the invoice) survives that one change;
// anything else is cleared.
export function clearStaleFlash() {
  const box = document.getElementById('flash');
  const keep = announce.fresh && Date.now() - announce.at < 1000;
  if (box && !keep) { clear(box); box.className = 'flash'; }
  announce.fresh = false;
}

export function announce(text, tone = 'info') {
  announce.fresh = true;
  announce.at = Date.now();
  const region = document.getElementById(tone === 'error' ? 'msg-alert' : 'msg-status');
  const box = document.getElementById('flash');
  if (region) {
    region.textContent = '';
    setTimeout(() => { region.textContent = text; }, 30);
  }
  if (box) {
    clear(box);
    box.className = `flash flash-${tone}`;
    put(box, 
      h('span.flash-text', text),
      h('button.btn-link.flash-close', { type: 'button', 'aria-label': 'Dismiss message', onclick: () => { clear(box); box.className = 'flash'; } }, '×'),
    );
    clearTimeout(announce.timer);
    if (tone !== 'error') announce.timer = setTimeout(() => { clear(box); box.className = 'flash'; }, 8000);
  }
}

export function errorText(e) {
  if (e instanceof ApiError) return e.describe();
  return e && e.message ? e.message : String(e);
}

// A visible problem message inside a page region (role=alert).
export function problemBox(e, retry) {
  return h('div.problem', { role: 'alert' },
    h('strong', 'Could not load: '), errorText(e),
    retry ? h('button.btn.btn-small', { type: 'button', onclick: retry }, 'Try again') : null);
}

// ---- buttons -----------------------------------------------------------------
// Runs fn while the button shows progress; errors go to onError or announce().
export async function busy(button, label, fn) {
  const old = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = old;
  }
}

// ---- form fields -------------------------------------------------------------
// spec: {name, label, type, value, required, hint, options:[[value,label]], validate(v)->err|null,
//        attrs, transform:'upper'}
export function field(spec) {
  const id = uid('f');
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  let input;
  const common = {
    id,
    name: spec.name,
    'data-field': spec.name,
    required: spec.required,
    'aria-describedby': [spec.hint ? hintId : null, errId].filter(Boolean).join(' '),
    ...(spec.attrs || {}),
  };
  if (spec.type === 'select') {
    input = h('select', common, (spec.options || []).map(([v, l]) => h('option', { value: v, selected: String(v) === String(spec.value ?? '') }, l)));
  } else if (spec.type === 'textarea') {
    input = h('textarea', { ...common, rows: spec.rows || 3 });
    input.value = spec.value ?? '';
  } else if (spec.type === 'checkbox') {
    input = h('input', { ...common, type: 'checkbox', checked: !!spec.value });
  } else {
    input = h('input', { ...common, type: spec.type || 'text', value: spec.value ?? '' });
  }
  if (spec.transform === 'upper') {
    input.addEventListener('input', () => {
      const pos = input.selectionStart;
      input.value = input.value.toUpperCase();
      try { input.setSelectionRange(pos, pos); } catch { /* not a text input */ }
    });
  }
  const errEl = h('p.field-error', { id: errId, hidden: true });
  if (spec.validate) {
    input._validate = () => {
      const v = input.type === 'checkbox' ? input.checked : input.value;
      if (!spec.required && (v === '' || v === null)) return null;
      return spec.validate(v);
    };
    const check = () => {
      const problem = input._validate();
      showError(input, problem ? problem.message : '');
    };
    input.addEventListener('blur', () => { input._touched = true; check(); });
    input.addEventListener('input', () => { if (input._touched) check(); });
  }
  // The required star sits beside the label, not in it, so the accessible name stays clean.
  const label = h('label', { for: id }, spec.label);
  const labelLine = spec.required ? h('span.label-line', label, h('span.req', { 'aria-hidden': 'true' }, ' *')) : label;
  const wrap = h(`div.field${spec.type === 'checkbox' ? '.field-check' : ''}${spec.wide ? '.field-wide' : ''}`,
    spec.type === 'checkbox' ? [input, label] : [labelLine, input],
    spec.hint ? h('p.hint', { id: hintId }, spec.hint) : null,
    errEl);
  wrap.input = input;
  return wrap;
}

export function showError(input, message) {
  const errEl = document.getElementById(`${input.id}-err`);
  if (message) {
    input.setAttribute('aria-invalid', 'true');
    if (errEl) { errEl.textContent = message; errEl.hidden = false; }
  } else {
    input.removeAttribute('aria-invalid');
    if (errEl) { errEl.textContent = ''; errEl.hidden = true; }
  }
}

export function clearErrors(form) {
  form.querySelectorAll('[aria-invalid]').forEach((i) => showError(i, ''));
  const box = form.querySelector('.form-error');
  if (box) { clear(box); box.hidden = true; }
}

// Runs every client-side rule; focuses the first failing field.
export function validateForm(form) {
  let first = null;
  form.querySelectorAll('[data-field]').forEach((input) => {
    if (!input._validate) return;
    input._touched = true;
    const problem = input._validate();
    showError(input, problem ? problem.message : '');
    if (problem && !first) first = input;
  });
  if (first) first.focus();
  return !first;
}

function findField(form, name) {
  const all = [...form.querySelectorAll('[data-field]')];
  return all.find((i) => i.dataset.field === name)
    || all.find((i) => name.startsWith(`${i.dataset.field}.`) || name.startsWith(`${i.dataset.field}[`))
    || all.find((i) => i.dataset.field.endsWith(`.${name}`));
}

// Field names the API uses that have no input on the form they come back to (e.g. the
// seller_incomplete gaps when issuing), in words.
const FIELD_WORDS = {
  'branch.gstin': 'Branch GSTIN',
  'branch.address': 'Branch address',
  'branch.state_code': 'Branch state',
  'company.legal_name': 'Company legal name',
  'company.pan': 'Company PAN',
  'customer.gstin': 'Customer GSTIN',
  'customer.registration': 'Customer registration',
};
export function fieldWords(name) {
  if (!name) return '';
  if (FIELD_WORDS[name]) return FIELD_WORDS[name];
  return name.replace(/\[(\d+)\]/g, (_, i) => ` ${Number(i) + 1}`).split('.').map((p) => p.replace(/_/g, ' ')).join(' › ')
    .replace(/^./, (c) => c.toUpperCase());
}

// Shows the API's errors[] next to their fields; the rest in the form's error box.
export function applyProblem(form, e) {
  clearErrors(form);
  const box = form.querySelector('.form-error');
  const loose = [];
  let first = null;
  let errors = e instanceof ApiError ? e.errors : (e && e.errors) || [];
  // A uniqueness conflict names its column, e.g. "… exists (items.sku)": show it on that field.
  const m = e instanceof ApiError && e.status === 409 && !errors.length ? /\((\w+)\.(\w+)\)/.exec(e.problem.detail || '') : null;
  if (m && findField(form, m[2])) errors = [{ field: m[2], code: 'conflict', message: 'already in use; choose another value' }];
  for (const fe of errors) {
    const input = fe.field ? findField(form, fe.field) : null;
    if (input) {
      showError(input, fe.message || fe.code);
      if (!first) first = input;
    } else {
      loose.push(`${fe.field ? `${fieldWords(fe.field)}: ` : ''}${fe.message || fe.code}`);
    }
  }
  if (box && (loose.length || !errors.length || !first)) {
    box.hidden = false;
    put(box, h('p', errorText(e)), loose.length ? h('ul', loose.map((t) => h('li', t))) : null,
      form._problemExtra ? form._problemExtra(e) : null);
  }
  if (first) first.focus();
  else if (box) box.focus();
}

export function formErrorBox() {
  return h('div.form-error', { role: 'alert', tabindex: '-1', hidden: true });
}

// A <form> with fields, an error box and a submit button; onSubmit(values, form, button).
export function simpleForm({ fields, submitLabel = 'Save', busyLabel = 'Saving…', onSubmit, extra, cancel }) {
  const submit = h('button.btn.btn-primary', { type: 'submit' }, submitLabel);
  const form = h('form.form', { novalidate: true },
    formErrorBox(),
    h('div.form-grid', fields),
    extra || null,
    h('div.form-actions', submit, cancel ? h('button.btn', { type: 'button', onclick: cancel }, 'Cancel') : null));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!validateForm(form)) return;
    try {
      await busy(submit, busyLabel, () => onSubmit(form, submit));
    } catch (e) {
      applyProblem(form, e);
    }
  });
  return form;
}

export function values(form) {
  const out = {};
  form.querySelectorAll('[data-field]').forEach((i) => {
    if (!i.name) return;
    out[i.name] = i.type === 'checkbox' ? i.checked : i.value.trim();
  });
  return out;
}

// ---- dialogs -----------------------------------------------------------------
export function openDialog(title, content, { wide } = {}) {
  const titleId = uid('dlg');
  const closeBtn = h('button.btn-link.dialog-close', { type: 'button', 'aria-label': 'Close dialog' }, '×');
  const dlg = h(`dialog.dialog${wide ? '.dialog-wide' : ''}`, { 'aria-labelledby': titleId },
    h('div.dialog-head', h('h2', { id: titleId }, title), closeBtn),
    h('div.dialog-body', content));
  const opener = document.activeElement;
  const close = () => { dlg.close(); };
  closeBtn.addEventListener('click', close);
  dlg.addEventListener('close', () => { dlg.remove(); if (opener && opener.focus) opener.focus(); });
  put(document.body, dlg);
  dlg.showModal();
  const firstInput = dlg.querySelector('input, select, textarea');
  if (firstInput) firstInput.focus();
  return { dlg, close };
}

// Asks for confirmation (optionally a required text such as a reason). Resolves to
// the text (or true) when confirmed, null when dismissed.
// focusCancel: Cancel takes the initial focus (for actions that cannot be undone).
// problemExtra(e): extra nodes for the error box (e.g. a link to fix what is missing).
export function confirmDialog(title, message, { confirmLabel = 'Confirm', danger, reasonLabel, action, focusCancel, problemExtra } = {}) {
  return new Promise((resolve) => {
    let done = false;
    const reason = reasonLabel ? field({ name: 'reason', label: reasonLabel, required: true, type: 'textarea', validate: (v) => (String(v).trim() ? null : { message: 'a reason is required' }) }) : null;
    const ok = h(`button.btn${danger ? '.btn-danger' : '.btn-primary'}`, { type: 'submit' }, confirmLabel);
    const cancel = h('button.btn', { type: 'button' }, 'Cancel');
    const form = h('form.form', { novalidate: true }, formErrorBox(), h('p', message), reason, h('div.form-actions', ok, cancel));
    form._problemExtra = problemExtra;
    const { dlg, close } = openDialog(title, form);
    cancel.addEventListener('click', close);
    if (focusCancel) cancel.focus();
    else if (!reason) ok.focus();
    dlg.addEventListener('close', () => { if (!done) resolve(null); });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      if (!validateForm(form)) return;
      const value = reason ? reason.input.value.trim() : true;
      if (!action) { done = true; resolve(value); close(); return; }
      try {
        const result = await busy(ok, 'Working…', () => action(value));
        done = true;
        resolve(result ?? value);
        close();
      } catch (e) {
        applyProblem(form, e);
      }
    });
  });
}

// ---- tables and pagination ---------------------------------------------------
// columns: [{label, render(row) -> node|string, className}]
export function table(columns, rows, { caption, empty = 'Nothing here yet.' } = {}) {
  if (!rows.length) return h('p.empty', empty);
  return h('div.table-wrap', h('table.table',
    caption ? h('caption', caption) : null,
    h('thead', h('tr', columns.map((c) => h('th', { scope: 'col', class: c.className || '' }, c.label)))),
    h('tbody', rows.map((r) => h('tr', columns.map((c) => h('td', { class: c.className || '', 'data-label': c.label }, c.render(r))))))));
}

// A table whose pages come from load(cursor) -> {items, next_cursor}; Previous/Next
// keep a stack of cursors, so every page is one keyset query.
export function pagedTable({ columns, load, caption, empty }) {
  const wrap = h('div.paged', { 'aria-busy': 'false' });
  const stack = [null];
  let index = 0;
  let nextCursor = null;
  async function render() {
    wrap.setAttribute('aria-busy', 'true');
    const status = h('p.loading', 'Loading…');
    put(clear(wrap), status);
    try {
      const page = await load(stack[index]);
      nextCursor = page.next_cursor || null;
      const prev = h('button.btn.btn-small', { type: 'button', disabled: index === 0, onclick: () => { index -= 1; render(); } }, '← Previous');
      const next = h('button.btn.btn-small', { type: 'button', disabled: !nextCursor, onclick: () => { stack[index + 1] = nextCursor; index += 1; render(); } }, 'Next →');
      put(clear(wrap), 
        table(columns, page.items || [], { caption, empty }),
        (index > 0 || nextCursor) ? h('nav.pager', { 'aria-label': `${caption || 'List'} pages` }, prev, h('span.pager-info', `Page ${index + 1}`), next) : null,
      );
    } catch (e) {
      put(clear(wrap), problemBox(e, render));
    } finally {
      wrap.setAttribute('aria-busy', 'false');
    }
  }
  wrap.reload = (fromStart = true) => {
    if (fromStart) { stack.length = 1; index = 0; }
    return render();
  };
  render();
  return wrap;
}

// ---- small pieces ------------------------------------------------------------
export function badge(status) {
  const s = String(status || '').toLowerCase();
  return h(`span.badge.badge-${s.replace(/[^a-z_]/g, '')}`, s.replace(/_/g, ' ') || '—');
}

export function pageHeader(title, ...actions) {
  return h('div.page-head', h('h1', { tabindex: '-1' }, title), h('div.page-actions', actions));
}

export function link(href, text, attrs = {}) {
  return h('a', { href, ...attrs }, text);
}

export function dl(pairs) {
  return h('dl.props', pairs.filter(Boolean).map(([k, v]) => [h('dt', k), h('dd', v ?? '—')]));
}

export function loading() {
  return h('p.loading', { role: 'status' }, 'Loading…');
}
