// Sign-in (tenant users and system administrators) and the change-password form,
// which is forced when the login answered password_expired: true.

import { h, put, clear } from './util.js';
import { api, session, ApiError } from './api.js';
import { field, formErrorBox, clearErrors, validateForm, applyProblem, busy, announce, errorText } from './components.js';
import { rules } from './validate.js';
import { go } from './router.js';

const LAST_TENANT = 'bisman.lastTenant'; // the company code only; never a token

function retryCountdown(button, seconds) {
  let left = Number(seconds);
  if (!Number.isFinite(left) || left <= 0) return;
  const label = button.textContent;
  button.disabled = true;
  const tick = () => {
    if (left <= 0) { button.disabled = false; button.textContent = label; return; }
    button.textContent = `Try again in ${left}s`;
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}

export function renderLogin(root, { system = false, notice = '' } = {}) {
  clear(root);
  const tenant = system ? null : field({ name: 'tenant', label: 'Company code (tenant)', required: true, value: localStorage.getItem(LAST_TENANT) || '', attrs: { autocomplete: 'organization', autocapitalize: 'none', spellcheck: 'false' }, validate: rules.slug });
  const email = field({ name: 'email', label: 'Email', type: 'email', required: true, attrs: { autocomplete: 'username' }, validate: rules.email });
  const password = field({ name: 'password', label: 'Password', type: 'password', required: true, attrs: { autocomplete: 'current-password' }, validate: (v) => (v ? null : { message: 'password is required' }) });
  const submit = h('button.btn.btn-primary.btn-block', { type: 'submit' }, 'Sign in');
  const errBox = formErrorBox();
  const form = h('form.form.login-form', { novalidate: true, 'aria-labelledby': 'login-title' },
    errBox, tenant, email, password, h('div.form-actions', submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!validateForm(form)) return;
    const body = { email: email.input.value.trim(), password: password.input.value };
    if (!system) body.tenant = tenant.input.value.trim();
    try {
      const data = await busy(submit, 'Signing in…', () => api('POST', system ? '/api/v1/system/login' : '/api/v1/auth/login', { body, anonymous: true }));
      if (!system) localStorage.setItem(LAST_TENANT, body.tenant);
      session.start(data, { scope: system ? 'system' : 'tenant', tenant: body.tenant || null });
      password.input.value = '';
      if (data.password_expired) go('#/password');
      else if (system) go('#/system/tenants');
      else go(location.hash && !location.hash.startsWith('#/system') ? location.hash : '#/');
    } catch (e) {
      applyProblem(form, e);
      if (e instanceof ApiError && e.status === 429) retryCountdown(submit, e.retryAfter);
      if (e instanceof ApiError && e.status === 401) password.input.focus();
    }
  });
  put(root, h('div.login-page',
    h('main.login-card', { id: 'main', tabindex: '-1' },
      h('div.brand.brand-large', h('span.brand-mark', { 'aria-hidden': 'true' }, 'B'), 'BISMAN ERP'),
      h('h1', { id: 'login-title' }, system ? 'System administrator sign-in' : 'Sign in'),
      notice ? h('p.notice', { role: 'status' }, notice) : null,
      form,
      h('p.login-switch', system
        ? h('a', { href: '#/' }, 'Company user? Sign in here')
        : h('a', { href: '#/system/tenants' }, 'System administrator sign-in')),
      h('p.login-switch', h('a', { href: '/api-docs' }, 'API documentation')))));
  const first = system ? email.input : (tenant.input.value ? email.input : tenant.input);
  first.focus();
}

export function renderPassword(main, { forced }) {
  const s = session.get();
  const email = s?.user?.email || '';
  const current = field({ name: 'current_password', label: 'Current password', type: 'password', required: true, attrs: { autocomplete: 'current-password' }, validate: (v) => (v ? null : { message: 'enter your current password' }) });
  const next = field({ name: 'new_password', label: 'New password', type: 'password', required: true, hint: 'At least 8 characters with upper- and lower-case letters, a digit and a special character; not a common password, not one of your last 5, not containing your email name.', attrs: { autocomplete: 'new-password' }, validate: (v) => rules.password(v, email) });
  const confirm = field({ name: 'confirm', label: 'Repeat new password', type: 'password', required: true, attrs: { autocomplete: 'new-password' }, validate: (v) => (v === next.input.value ? null : { message: 'the two new passwords differ' }) });
  const submit = h('button.btn.btn-primary', { type: 'submit' }, 'Change password');
  const form = h('form.form.narrow', { novalidate: true }, formErrorBox(), current, next, confirm, h('div.form-actions', submit));
  confirm.input.removeAttribute('name');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!validateForm(form)) return;
    const newPassword = next.input.value;
    try {
      await busy(submit, 'Changing…', async () => {
        await api('POST', '/api/v1/auth/password', { body: { current_password: current.input.value, new_password: newPassword } });
        // Every token of this user is now revoked: sign in again with the new password.
        const tenant = s.tenant;
        session.clear();
        try {
          const data = await api('POST', '/api/v1/auth/login', { body: { tenant, email, password: newPassword }, anonymous: true });
          session.start(data, { scope: 'tenant', tenant });
          go('#/');
          announce('Password changed.');
        } catch (e) {
          go('#/');
          announce(`Password changed. Please sign in again. ${errorText(e)}`);
        }
      });
    } catch (e) {
      applyProblem(form, e);
    }
  });
  put(main, 
    h('div.page-head', h('h1', { tabindex: '-1' }, forced ? 'Your password has expired' : 'Change password')),
    forced ? h('p.notice', { role: 'status' }, 'For your security, choose a new password before you continue. Other pages stay locked until then.') : null,
    form);
}
