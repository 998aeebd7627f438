// Dashboard: receivables by aging bucket, recent invoices, today's payments.

import { h, put, svg, clear, fmtPaise, fmtDate, todayIso, addDaysIso, methodName } from './util.js';
import { api, session, getAll } from './api.js';
import { pageHeader, problemBox, table, badge, loading } from './components.js';

export const AGING_BUCKETS = [
  ['0_30', '0–30 days'], ['31_60', '31–60 days'], ['61_90', '61–90 days'], ['over_90', 'Over 90 days'],
];

// The amount of one aging bucket in a receivables row, whichever way it is nested.
export function bucketAmount(row, key) {
  const holders = [row?.buckets, row?.aging, row?.aging_paise, row].filter((x) => x && typeof x === 'object');
  for (const obj of holders) {
    for (const [k, v] of Object.entries(obj)) {
      const bare = k.replace(/_paise$/, '').replace(/^(bucket|days|aging)_/, '');
      if (bare === key && (typeof v === 'number' || typeof v === 'string')) return BigInt(v);
    }
  }
  return 0n;
}

export function outstandingOf(row) {
  for (const k of ['outstanding_paise', 'balance_due_paise', 'total_outstanding_paise', 'outstanding', 'total_paise']) {
    if (row && row[k] !== undefined && row[k] !== null && typeof row[k] !== 'object') return BigInt(row[k]);
  }
  return AGING_BUCKETS.reduce((a, [k]) => a + bucketAmount(row, k), 0n);
}

// Bars of the four aging buckets (receivables here, payables on the Payables page).
export function agingChart(totals, label = 'Receivables by aging bucket') {
  const max = totals.reduce((m, t) => (t > m ? t : m), 1n);
  const rowH = 34;
  const width = 600;
  const labelW = 120;
  const barMax = width - labelW - 150;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${rowH * totals.length}`, class: 'chart', role: 'img', 'aria-label': label },
    AGING_BUCKETS.map(([, label], i) => {
      const w = Number((totals[i] * BigInt(barMax)) / max);
      const y = i * rowH;
      const text = (x, anchor, content, cls) => {
        const t = svg('text', { x, y: y + 21, 'text-anchor': anchor, class: cls });
        t.textContent = content;
        return t;
      };
      return svg('g', {},
        text(0, 'start', label, 'chart-label'),
        svg('rect', { x: labelW, y: y + 6, width: Math.max(w, 2), height: 20, rx: 3, class: `chart-bar chart-bar-${i}` }),
        text(labelW + Math.max(w, 2) + 8, 'start', fmtPaise(totals[i]), 'chart-value'));
    }));
  return chart;
}

async function receivablesPanel(panel) {
  put(clear(panel), h('h2', 'Receivables by age'), loading());
  try {
    const data = await api('GET', '/api/v1/reports/receivables');
    const rows = Array.isArray(data) ? data : (data.items || data.customers || []);
    const totals = AGING_BUCKETS.map(([k]) => (data.totals ? bucketAmount(data.totals, k) : rows.reduce((a, r) => a + bucketAmount(r, k), 0n)));
    const outstanding = rows.reduce((a, r) => a + outstandingOf(r), 0n);
    put(clear(panel), 
      h('h2', 'Receivables by age'),
      h('p.big-number', h('span.big-label', 'Outstanding '), fmtPaise(data.totals ? outstandingOf(data.totals) : outstanding)),
      totals.some((t) => t > 0n) ? agingChart(totals) : null,
      table([
        { label: 'Customer', render: (r) => r.customer_name || r.name || r.customer?.name || r.customer_id },
        ...AGING_BUCKETS.map(([k, l]) => ({ label: l, className: 'num', render: (r) => fmtPaise(bucketAmount(r, k)) })),
        { label: 'Outstanding', className: 'num', render: (r) => fmtPaise(outstandingOf(r)) },
      ], [...rows].sort((a, b) => (outstandingOf(b) > outstandingOf(a) ? 1 : outstandingOf(b) < outstandingOf(a) ? -1 : 0)).slice(0, 10),
      { caption: 'Customers with the largest balances', empty: 'No outstanding receivables.' }));
  } catch (e) {
    put(clear(panel), h('h2', 'Receivables by age'), problemBox(e, () => receivablesPanel(panel)));
  }
}

async function recentInvoicesPanel(panel) {
  put(clear(panel), h('h2', 'Recent invoices'), loading());
  try {
    // The list is in creation order: walk the last 60 days' pages and keep the newest.
    let latest = [];
    let cursor = null;
    for (let i = 0; i < 10; i += 1) {
      const pg = await api('GET', '/api/v1/invoices', { query: { from: addDaysIso(todayIso(), -60), limit: 200, cursor } });
      latest = [...latest, ...(pg.items || [])].slice(-8);
      cursor = pg.next_cursor;
      if (!cursor) break;
    }
    const page = { items: latest.reverse() };
    const customers = session.can('sales.customers:read') ? await getAll('/api/v1/customers', {}, 5).catch(() => []) : [];
    const nameOf = (r) => r.customer_name || customers.find((c) => c.id === r.customer_id)?.name || '—';
    put(clear(panel), h('h2', 'Recent invoices'), table([
      { label: 'Invoice', render: (r) => h('a', { href: `#/invoices/${r.id}` }, r.number || 'Draft') },
      { label: 'Date', className: 'nowrap', render: (r) => fmtDate(r.invoice_date) },
      { label: 'Customer', render: nameOf },
      { label: 'Status', render: (r) => badge(r.status) },
      { label: 'Total', className: 'num', render: (r) => fmtPaise(r.grand_total_paise) },
    ], page.items || [], { empty: 'No invoices in the last 60 days.' }));
  } catch (e) {
    put(clear(panel), h('h2', 'Recent invoices'), problemBox(e, () => recentInvoicesPanel(panel)));
  }
}

async function paymentsPanel(panel) {
  const title = `Today's payments`;
  put(clear(panel), h('h2', title), loading());
  try {
    const today = todayIso();
    const page = await api('GET', '/api/v1/payments', { query: { from: today, to: today, limit: 200 } });
    const rows = (page.items || []).filter((p) => (p.received_on || '').slice(0, 10) === today);
    const total = rows.reduce((a, p) => a + BigInt(p.amount_paise || 0), 0n);
    // A payment names only its invoice and customer ids: read each invoice once for its
    // number and (frozen) buyer, and the customers for anything else.
    const invoices = new Map();
    await Promise.all([...new Set(rows.map((r) => r.invoice_id).filter(Boolean))].map(async (id) => {
      try { invoices.set(id, await api('GET', `/api/v1/invoices/${id}`)); } catch { /* shown without its number */ }
    }));
    const needCustomers = rows.some((r) => !r.customer_name && !invoices.get(r.invoice_id)?.buyer?.name);
    const customers = needCustomers && session.can('sales.customers:read') ? await getAll('/api/v1/customers', {}, 5).catch(() => []) : [];
    const invoiceOf = (r) => invoices.get(r.invoice_id);
    const customerOf = (r) => r.customer_name || invoiceOf(r)?.buyer?.name
      || customers.find((c) => c.id === (r.customer_id || invoiceOf(r)?.customer_id))?.name || '—';
    put(clear(panel), h('h2', title),
      h('p.big-number', h('span.big-label', 'Received today '), fmtPaise(total)),
      table([
        { label: 'Invoice', render: (r) => h('a', { href: `#/invoices/${r.invoice_id}` }, r.invoice_number || invoiceOf(r)?.number || 'Invoice') },
        { label: 'Customer', render: customerOf },
        { label: 'Method', render: (r) => methodName(r.method) },
        { label: 'Reference', render: (r) => r.reference || '—' },
        { label: 'Amount', className: 'num', render: (r) => fmtPaise(r.amount_paise) },
      ], rows, { empty: 'No payments recorded today.' }));
  } catch (e) {
    put(clear(panel), h('h2', title), problemBox(e, () => paymentsPanel(panel)));
  }
}

// The codes of the given branch ids (in code order), or null without org.branches:read.
export async function branchCodes(ids) {
  if (!session.can('org.branches:read')) return null;
  try {
    const branches = await getAll('/api/v1/branches');
    return ids.map((id) => branches.find((b) => b.id === id)?.code || id).sort();
  } catch {
    return null;
  }
}

export function renderDashboard(main) {
  const user = session.get()?.user || {};
  put(main, pageHeader('Dashboard'), h('p.lede', `Welcome, ${user.name || user.email || ''}.`));
  // A user limited to some branches sees only their figures: say which.
  const scope = user.branch_ids || [];
  if (scope.length) {
    const note = h('p.scope-note.muted', { 'data-testid': 'branch-scope' }, `Showing only ${scope.length === 1 ? 'the branch' : `the ${scope.length} branches`} you have access to.`);
    put(main, note);
    branchCodes(scope).then((codes) => { if (codes) note.textContent = `Showing branches: ${codes.join(', ')}`; });
  }
  // Set by the server for owners while production runs with no replica configured.
  if (user.backups_not_configured) {
    put(main, h('p.notice', { role: 'alert' }, 'Backups are not configured: if this server\'s disk fails, every record is lost. Ask your administrator to set up replication (docs/operations.md, section 2).'));
  }
  const grid = h('div.dash-grid');
  put(main, grid);
  if (session.can('reports.receivables:read')) {
    const p = h('section.panel.panel-wide', { 'aria-label': 'Receivables by age' });
    put(grid, p);
    receivablesPanel(p);
  }
  if (session.can('sales.invoices:read')) {
    const p = h('section.panel', { 'aria-label': 'Recent invoices' });
    put(grid, p);
    recentInvoicesPanel(p);
  }
  if (session.can('sales.payments:read')) {
    const p = h('section.panel', { 'aria-label': "Today's payments" });
    put(grid, p);
    paymentsPanel(p);
  }
  if (!grid.children.length) {
    put(grid, h('section.panel', h('h2', 'Getting started'), h('p', 'Use the menu to open the parts of BISMAN your role gives you access to.')));
  }
}
