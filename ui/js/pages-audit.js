// The audit trail: filters, paged events with their changes, and chain verification.

import { h, put, clear, fmtInstant } from './util.js';
import { api, session, getAll } from './api.js';
import { pageHeader, pagedTable, field, busy, errorText } from './components.js';

export async function renderAudit(main) {
  // Actor ids are user ids: show the email where the viewer may list users.
  const users = session.can('iam.users:read') ? await getAll('/api/v1/users', {}, 10).catch(() => []) : [];
  const actorName = (id) => {
    if (!id) return 'anonymous';
    const u = users.find((x) => x.id === id);
    return u ? u.email : id;
  };
  const verify = h('button.btn.btn-primary', { type: 'button' }, 'Verify chain');
  const result = h('div.verify-result', { role: 'status', 'aria-live': 'polite' });
  verify.addEventListener('click', async () => {
    clear(result);
    try {
      const r = await busy(verify, 'Verifying…', () => api('GET', '/api/v1/audit/verify'));
      result.className = `verify-result ${r.ok ? 'ok' : 'bad'}`;
      put(result, r.ok
        ? h('p', h('strong', 'Chain intact. '), `${r.events} events verified; head hash `, h('code', String(r.head_hash || '').slice(0, 16)), '…')
        : h('p', h('strong', 'Chain broken! '), `The first bad event is sequence number ${r.first_bad_seq}. Someone altered, removed or reordered stored events.`));
    } catch (e) {
      result.className = 'verify-result bad';
      put(result, h('p', `Could not verify: ${errorText(e)}`));
    }
  });
  put(main, pageHeader('Audit log', verify), result);
  const f = {
    action: field({ name: 'action', label: 'Action', attrs: { placeholder: 'e.g. employee.reveal' } }),
    entity: field({ name: 'entity', label: 'Entity', attrs: { placeholder: 'e.g. invoice' } }),
    entity_id: field({ name: 'entity_id', label: 'Entity id' }),
    actor_id: field({ name: 'actor_id', label: 'Actor (user id)' }),
    from: field({ name: 'from', label: 'From', type: 'date' }),
    to: field({ name: 'to', label: 'To', type: 'date' }),
  };
  const state = {};
  const filters = h('form.filters', { role: 'search', 'aria-label': 'Filter audit events' }, Object.values(f),
    h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Apply'), h('button.btn.btn-link', { type: 'reset' }, 'Clear')));
  let list;
  const apply = () => { for (const [k, x] of Object.entries(f)) state[k] = x.input.value.trim(); list.reload(true); };
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
  filters.addEventListener('reset', () => setTimeout(apply, 0));
  put(main, filters);
  list = pagedTable({
    caption: 'Audit events',
    columns: [
      { label: 'Seq', className: 'num', render: (e) => String(e.seq) },
      { label: 'When', render: (e) => fmtInstant(e.at) },
      { label: 'Action', render: (e) => h('code', e.action) },
      { label: 'Entity', render: (e) => [e.entity || '—', e.entity_id ? h('span.muted.small.block', e.entity_id) : null] },
      { label: 'Actor', render: (e) => h('span.small', { title: e.actor_id || '' }, actorName(e.actor_id)) },
      { label: 'IP', render: (e) => e.ip || '—' },
      { label: 'Changes', render: (e) => {
        const text = e.changes && Object.keys(e.changes).length ? JSON.stringify(e.changes, null, 2) : '';
        return text ? h('details', h('summary', 'Show'), h('pre.changes', text)) : '—';
      } },
      { label: 'Hash', render: (e) => h('code.small', { title: e.hash }, String(e.hash || '').slice(0, 10)) },
    ],
    load: (cursor) => api('GET', '/api/v1/audit', { query: { ...state, limit: 50, cursor } }),
  });
  put(main, list);
}
