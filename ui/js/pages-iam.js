// Users, and roles with the permission matrix editor (roles × permissions).

import { h, put, clear, uid, titleCase, fmtInstant } from './util.js';
import { api, session, getAll } from './api.js';
import {
  pageHeader, pagedTable, simpleForm, openDialog, announce, field, values, confirmDialog,
  problemBox, loading, badge, busy, errorText,
} from './components.js';
import { rules } from './validate.js';

// A fieldset of checkboxes that reports errors like a field (data-field = name).
export function checkGroup({ name, legend, options, selected = [], hint }) {
  const id = uid('g');
  const set = new Set(selected);
  const fs = h('fieldset.checkgroup', { id, 'data-field': name, tabindex: '-1', 'aria-describedby': `${id}-err` },
    h('legend', legend),
    hint ? h('p.hint', hint) : null,
    h('div.checkgroup-items', options.map(([value, label]) => {
      const cid = uid('c');
      return h('div.check', h('input', { type: 'checkbox', id: cid, value, checked: set.has(value) }), h('label', { for: cid }, label));
    })),
    h('p.field-error', { id: `${id}-err`, hidden: true }));
  fs.selected = () => [...fs.querySelectorAll('input:checked')].map((i) => i.value);
  return fs;
}

export function renderUsers(main) {
  const canWrite = session.can('iam.users:write');
  let list;
  let rolesCache = null;
  let branchesCache = null;
  async function refs() {
    if (!rolesCache) rolesCache = session.can('iam.roles:read') ? await getAll('/api/v1/roles') : [];
    if (!branchesCache) branchesCache = session.can('org.branches:read') ? await getAll('/api/v1/branches').catch(() => []) : [];
    return { roles: rolesCache, branches: branchesCache };
  }
  async function openForm(row, opener) {
    let r;
    try {
      r = await busy(opener, 'Loading…', refs);
    } catch (e) {
      announce(errorText(e), 'error');
      return;
    }
    const roleGroup = checkGroup({ name: 'roles', legend: 'Roles', options: r.roles.map((x) => [x.name, titleCase(x.name)]), selected: row?.roles || [] });
    const branchGroup = checkGroup({ name: 'branch_ids', legend: 'Branch access', hint: 'None ticked means every branch.', options: r.branches.map((b) => [b.id, `${b.code} · ${b.name}`]), selected: row?.branch_ids || [] });
    const fields = row
      ? [field({ name: 'name', label: 'Name', required: true, value: row.name, validate: (v) => (v.trim() ? null : { message: 'name is required' }) })]
      : [
        field({ name: 'email', label: 'Email', type: 'email', required: true, validate: rules.email }),
        field({ name: 'name', label: 'Name', required: true, validate: (v) => (v.trim() ? null : { message: 'name is required' }) }),
        field({ name: 'password', label: 'Initial password', type: 'password', required: true, attrs: { autocomplete: 'new-password' }, hint: '8+ characters with upper, lower, digit and special character.', validate: (v) => rules.password(v, '') }),
      ];
    let dlg;
    const form = simpleForm({
      fields,
      extra: h('div.form-grid', roleGroup, r.branches.length ? branchGroup : null),
      submitLabel: row ? 'Save changes' : 'Create user',
      cancel: () => dlg.close(),
      onSubmit: async (f) => {
        const v = values(f);
        const body = { name: v.name, roles: roleGroup.selected(), branch_ids: r.branches.length ? branchGroup.selected() : (row?.branch_ids || []) };
        if (!row) { body.email = v.email; body.password = v.password; }
        const saved = row
          ? await api('PATCH', `/api/v1/users/${row.id}`, { body, headers: { 'If-Match': `"${row.version}"` } })
          : await api('POST', '/api/v1/users', { body });
        dlg.close();
        announce(`User ${saved.email} ${row ? 'updated' : 'created'}.`);
        list.reload(!row);
      },
    });
    dlg = openDialog(row ? `Edit ${row.email}` : 'New user', form, { wide: true });
  }
  const add = canWrite ? h('button.btn.btn-primary', { type: 'button' }, 'New user') : null;
  if (add) add.addEventListener('click', () => openForm(null, add));
  put(main, pageHeader('Users', add));
  const columns = [
    { label: 'Name', render: (u) => u.name },
    { label: 'Email', render: (u) => u.email },
    { label: 'Roles', render: (u) => (u.roles || []).map(titleCase).join(', ') || '—' },
    { label: 'Branches', render: (u) => branchesText(u.branch_ids) },
    { label: 'Status', render: (u) => badge(u.status) },
    { label: 'Password changed', render: (u) => fmtInstant(u.password_changed_at) },
  ];
  if (canWrite) {
    columns.push({ label: 'Actions', className: 'actions', render: (u) => {
      const edit = h('button.btn.btn-small', { type: 'button', 'aria-label': `Edit ${u.email}` }, 'Edit');
      edit.addEventListener('click', () => openForm(u, edit));
      const deact = u.status === 'active' ? h('button.btn.btn-small.btn-danger', { type: 'button', 'aria-label': `Deactivate ${u.email}` }, 'Deactivate') : null;
      if (deact) {
        deact.addEventListener('click', async () => {
          const ok = await confirmDialog('Deactivate user', `${u.email} will be signed out everywhere and cannot sign in again.`, {
            confirmLabel: 'Deactivate', danger: true, focusCancel: true,
            action: () => api('POST', `/api/v1/users/${u.id}/deactivate`),
          });
          if (ok) { announce(`${u.email} deactivated.`); list.reload(false); }
        });
      }
      return h('div.btn-row', edit, deact);
    } });
  }
  // Branch codes for the Branches column (ids only without org.branches:read).
  let codeOf = new Map();
  const branchesText = (ids = []) => {
    if (!ids.length) return 'All branches';
    const codes = ids.map((id) => codeOf.get(id));
    if (codes.every(Boolean)) return codes.sort().join(', ');
    return ids.length === 1 ? '1 branch' : `${ids.length} branches`;
  };
  list = pagedTable({
    caption: 'Users', columns,
    load: async (cursor) => {
      const [page, branches] = await Promise.all([
        api('GET', '/api/v1/users', { query: { limit: 50, cursor } }),
        session.can('org.branches:read') ? getAll('/api/v1/branches').catch(() => null) : null,
      ]);
      if (branches) { branchesCache = branches; codeOf = new Map(branches.map((b) => [b.id, b.code])); }
      return page;
    },
  });
  put(main, list);
}

export function renderRoles(main) {
  const canWrite = session.can('iam.roles:write');
  const add = canWrite ? h('button.btn.btn-primary', { type: 'button' }, 'New role') : null;
  put(main, pageHeader('Roles & permissions', add),
    h('p.lede', 'Each column is a role, each row a permission. Built-in roles are fixed; tick boxes in a custom role\'s column and press its Save button. Changes apply to the role\'s users on their very next request.'));
  const area = h('div.matrix-area');
  put(main, area);
  async function load() {
    put(clear(area), loading());
    try {
      const [perms, roles] = await Promise.all([api('GET', '/api/v1/permissions'), getAll('/api/v1/roles')]);
      drawMatrix(area, perms.items || [], roles, canWrite, load);
    } catch (e) {
      put(clear(area), problemBox(e, load));
    }
  }
  if (add) {
    add.addEventListener('click', () => {
      let dlg;
      const form = simpleForm({
        fields: [
          field({ name: 'name', label: 'Role name', required: true, hint: 'Lower-case letters, digits and underscores, e.g. branch_cashier', validate: (v) => (v.trim() ? null : { message: 'name is required' }) }),
          field({ name: 'description', label: 'Description', wide: true }),
        ],
        submitLabel: 'Create role',
        cancel: () => dlg.close(),
        onSubmit: async (f) => {
          const v = values(f);
          const role = await api('POST', '/api/v1/roles', { body: { name: v.name, description: v.description, permissions: [] } });
          dlg.close();
          announce(`Role ${role.name} created. Tick its permissions and save.`);
          load();
        },
      });
      dlg = openDialog('New role', form);
    });
  }
  load();
}

function drawMatrix(area, perms, roles, canWrite, reload) {
  const dirty = new Map(); // role id -> Set of permissions
  const saveButtons = new Map();
  const groups = new Map();
  for (const p of perms) {
    const mod = p.name.split('.')[0];
    if (!groups.has(mod)) groups.set(mod, []);
    groups.get(mod).push(p);
  }
  const MODULE_NAMES = { iam: 'Users and roles', org: 'Organisation', hr: 'Human resources', sales: 'Sales', reports: 'Reports', audit: 'Audit' };
  const head = h('tr', h('th', { scope: 'col' }, 'Permission'), roles.map((r) => {
    const editable = canWrite && !r.builtin;
    let actions = null;
    if (editable) {
      const save = h('button.btn.btn-small.btn-primary', { type: 'button', disabled: true, 'aria-label': `Save ${r.name}` }, 'Save');
      saveButtons.set(r.id, save);
      save.addEventListener('click', async () => {
        try {
          await busy(save, 'Saving…', () => api('PATCH', `/api/v1/roles/${r.id}`, { body: { permissions: [...dirty.get(r.id)].sort() }, headers: { 'If-Match': `"${r.version}"` } }));
          announce(`Role ${r.name} saved.`);
          reload();
        } catch (e) {
          announce(`Could not save ${r.name}: ${errorText(e)}`, 'error');
        }
      });
      const del = h('button.btn.btn-small.btn-danger', { type: 'button', 'aria-label': `Delete ${r.name}` }, 'Delete');
      del.addEventListener('click', async () => {
        const ok = await confirmDialog('Delete role', `Delete the role ${r.name}? Only a role that no user holds can be deleted.`, {
          confirmLabel: 'Delete', danger: true, focusCancel: true, action: () => api('DELETE', `/api/v1/roles/${r.id}`),
        });
        if (ok) { announce(`Role ${r.name} deleted.`); reload(); }
      });
      actions = h('div.btn-row', save, del);
    }
    return h('th', { scope: 'col', class: 'role-col' }, h('span.role-name', titleCase(r.name)), r.builtin ? h('span.muted.small', ' (built-in)') : null, actions);
  }));
  const body = [];
  for (const [mod, list] of groups) {
    body.push(h('tr.group-row', h('th', { scope: 'rowgroup', colspan: roles.length + 1 }, MODULE_NAMES[mod] || titleCase(mod))));
    for (const p of list) {
      body.push(h('tr',
        h('th', { scope: 'row' }, h('code', p.name), h('span.perm-desc', p.description || '')),
        roles.map((r) => {
          const has = (r.permissions || []).includes(p.name);
          const editable = canWrite && !r.builtin;
          if (r.builtin || !canWrite) {
            // Read-only: a clear mark instead of a greyed-out checkbox.
            return h('td.cell-check', h(`span.mark${has ? '.mark-yes' : '.mark-no'}`, { 'aria-hidden': 'true' }, has ? '✓' : '–'),
              h('span.sr-only', `${r.name}: ${p.name} ${has ? 'granted' : 'not granted'}`));
          }
          const box = h('input', { type: 'checkbox', checked: has, disabled: !editable, 'aria-label': `${r.name}: ${p.name}` });
          if (editable) {
            box.addEventListener('change', () => {
              if (!dirty.has(r.id)) dirty.set(r.id, new Set(r.permissions || []));
              const s = dirty.get(r.id);
              if (box.checked) s.add(p.name); else s.delete(p.name);
              const same = s.size === (r.permissions || []).length && (r.permissions || []).every((x) => s.has(x));
              saveButtons.get(r.id).disabled = same;
            });
          }
          return h('td.cell-check', box);
        })));
    }
  }
  put(clear(area), h('div.table-wrap.matrix-wrap', h('table.table.matrix', h('caption', 'Permissions by role'), h('thead', head), h('tbody', body))));
}
