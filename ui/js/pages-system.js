// System administrator: tenants (list, create, suspend, resume). Never tenant data.

import { h, put, fmtInstant } from './util.js';
import { api } from './api.js';
import {
  pageHeader, pagedTable, simpleForm, openDialog, announce, field, values, confirmDialog, badge,
} from './components.js';
import { rules } from './validate.js';

export function renderTenants(main) {
  let list;
  const add = h('button.btn.btn-primary', { type: 'button' }, 'New tenant');
  add.addEventListener('click', () => {
    let dlg;
    const form = simpleForm({
      fields: [
        field({ name: 'slug', label: 'Slug (company code)', required: true, hint: 'Lower-case letters, digits and hyphens; users type it to sign in.', attrs: { autocapitalize: 'none', spellcheck: 'false' }, validate: rules.slug }),
        field({ name: 'name', label: 'Company name', required: true, validate: (v) => (v.trim() ? null : { message: 'name is required' }) }),
        field({ name: 'owner_email', label: 'Owner email', type: 'email', required: true, validate: rules.email }),
        field({ name: 'owner_password', label: 'Owner password (optional)', type: 'password', attrs: { autocomplete: 'new-password' }, hint: 'Leave blank to generate one; it is shown once.', validate: (v) => rules.password(v, '') }),
      ],
      submitLabel: 'Create tenant',
      busyLabel: 'Creating…',
      cancel: () => dlg.close(),
      onSubmit: async (f) => {
        const v = values(f);
        const body = { slug: v.slug, name: v.name, owner_email: v.owner_email };
        if (v.owner_password) body.owner_password = v.owner_password;
        const created = await api('POST', '/api/v1/system/tenants', { body });
        dlg.close();
        list.reload(true);
        announce(`Tenant ${created.slug} created.`);
        if (created.generated_owner_password) {
          openDialog('Owner password', h('div',
            h('p', `The owner ${created.owner_email} can sign in to tenant ${created.slug} with this password. It is shown only now.`),
            h('p', h('code.secret', created.generated_owner_password))));
        }
      },
    });
    dlg = openDialog('New tenant', form);
  });
  put(main, pageHeader('Tenants', add));
  const setStatus = async (t, action) => {
    const ok = await confirmDialog(action === 'suspend' ? 'Suspend tenant' : 'Resume tenant',
      action === 'suspend' ? `Users of ${t.slug} will be refused (403 tenant_suspended) until it is resumed.` : `Users of ${t.slug} can sign in again.`,
      { confirmLabel: action === 'suspend' ? 'Suspend' : 'Resume', danger: action === 'suspend', action: () => api('POST', `/api/v1/system/tenants/${encodeURIComponent(t.slug)}/${action}`) });
    if (ok) { announce(`Tenant ${t.slug} ${action === 'suspend' ? 'suspended' : 'resumed'}.`); list.reload(false); }
  };
  list = pagedTable({
    caption: 'Tenants',
    columns: [
      { label: 'Slug', render: (t) => h('code', t.slug) },
      { label: 'Name', render: (t) => t.name },
      { label: 'Status', render: (t) => badge(t.status) },
      { label: 'Created', render: (t) => fmtInstant(t.created_at) },
      { label: 'Actions', className: 'actions', render: (t) => {
        const suspended = t.status === 'suspended';
        const b = h(`button.btn.btn-small${suspended ? '' : '.btn-danger'}`, { type: 'button', 'aria-label': `${suspended ? 'Resume' : 'Suspend'} ${t.slug}` }, suspended ? 'Resume' : 'Suspend');
        b.addEventListener('click', () => setStatus(t, suspended ? 'resume' : 'suspend'));
        return b;
      } },
    ],
    load: (cursor) => api('GET', '/api/v1/system/tenants', { query: { cursor } }),
  });
  put(main, list);
}
