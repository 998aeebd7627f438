// Books reports: trial balance, profit and loss, balance sheet, ledgers (with running
// balances; cash and bank books), the day book, a customer's statement of account and
// the auditor's CSV exports. Every account line drills down to its ledger, every ledger
// entry to its document or journal.

import { h, put, clear, fmtPaise, fmtDrCr, fmtDate, todayIso, fyStartIso, qs } from './util.js';
import { api, session, getAll, download } from './api.js';
import {
  pageHeader, pagedTable, announce, field, formErrorBox, clearErrors, showError, busy, problemBox, loading,
  badge, dl, errorText,
} from './components.js';
import { go } from './router.js';
import { loadChart, accountLabel, ledgerHref, sourceLink, ACCOUNT_TYPES } from './pages-books.js';

async function reportBranches() {
  if (!session.can('org.branches:read')) return [];
  try { return await getAll('/api/v1/branches'); } catch { return []; }
}

// A filter form whose values go into the page's hash (so Back and links keep them).
// specs: [{name, label, type, value, options}]; base: the route without the query.
function reportFilters(base, specs, label, extra = {}) {
  const fields = specs.map((s) => field(s));
  const form = h('form.filters', { role: 'search', 'aria-label': label }, formErrorBox(), fields,
    h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Show')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const q = { ...extra };
    for (const f of fields) q[f.input.name] = f.input.value;
    const from = fields.find((f) => f.input.name === 'from');
    const to = fields.find((f) => f.input.name === 'to');
    if (from && to && from.input.value && to.input.value && from.input.value > to.input.value) {
      showError(from.input, 'the from date must not be after the to date');
      from.input.focus();
      return;
    }
    go(`#${base}${qs(q)}`);
  });
  return form;
}

function branchSpec(branches, value) {
  if (!branches.length) return null;
  return { name: 'branch_id', label: 'Branch', type: 'select', value, options: [['', 'All branches'], ...branches.map((b) => [b.id, `${b.code} · ${b.name}`])] };
}

function backToReports() {
  return h('a.btn', { href: '#/reports' }, 'All reports');
}

// ---- the reports page ------------------------------------------------------------------

export function renderReports(main) {
  put(main, pageHeader('Reports'));
  const can = session.can('books.reports:read');
  if (!can) { put(main, h('p.notice', 'You do not have permission to view the books\' reports.')); return; }
  const item = (href, title, text) => h('li', h('a', { href }, title), h('span.muted', ` — ${text}`));
  put(main, h('section.panel', { 'aria-labelledby': 'rep-books-h' }, h('h2', { id: 'rep-books-h' }, 'Financial statements'),
    h('ul.report-links',
      item('#/reports/trial-balance', 'Trial balance', 'every account\'s balance on a day; debits equal credits'),
      item('#/reports/profit-and-loss', 'Profit and loss', 'income and expenses of a period'),
      item('#/reports/balance-sheet', 'Balance sheet', 'assets, liabilities and equity on a day'))));
  put(main, h('section.panel', { 'aria-labelledby': 'rep-books2-h' }, h('h2', { id: 'rep-books2-h' }, 'Books'),
    h('ul.report-links',
      item('#/reports/day-book', 'Day book', 'every journal of one day'),
      item('#/reports/cash-book', 'Cash book', 'the Cash-in-hand ledger'),
      item('#/reports/bank-book', 'Bank book', 'all accounts under Bank Accounts'),
      session.can('books.accounts:read') ? item('#/accounts', 'Ledgers', 'open any account from the chart of accounts') : null)));
  put(main, exportPanel());
}

function exportPanel() {
  const today = todayIso();
  const from = field({ name: 'from', label: 'From date', type: 'date', value: fyStartIso(today) });
  const to = field({ name: 'to', label: 'To date', type: 'date', value: today });
  const err = formErrorBox();
  const run = async (btn, path, name) => {
    clearErrors(box);
    if (from.input.value && to.input.value && from.input.value > to.input.value) {
      showError(from.input, 'the from date must not be after the to date');
      from.input.focus();
      return;
    }
    try {
      const saved = await busy(btn, 'Preparing…', () => download(`${path}${qs({ from: from.input.value, to: to.input.value })}`, name));
      announce(`Downloaded ${saved}.`);
    } catch (e) {
      err.hidden = false;
      put(clear(err), h('p', `Export failed: ${errorText(e)}`));
      err.focus();
    }
  };
  const journalBtn = h('button.btn', { type: 'button' }, 'Download journal CSV');
  journalBtn.addEventListener('click', () => run(journalBtn, '/api/v1/books/export/journal.csv', 'journal.csv'));
  const auditBtn = session.can('audit.log:read') ? h('button.btn', { type: 'button' }, 'Download audit trail CSV') : null;
  if (auditBtn) auditBtn.addEventListener('click', () => run(auditBtn, '/api/v1/books/export/audit.csv', 'audit.csv'));
  const box = h('div.export-form', err, h('div.filters', from, to, h('div.filter-actions', journalBtn, auditBtn)));
  return h('section.panel', { 'aria-labelledby': 'rep-exp-h' }, h('h2', { id: 'rep-exp-h' }, 'Exports for the auditor'),
    h('p.hint', 'Every journal line of the period as CSV', auditBtn ? '; the audit trail of the period as CSV.' : '.'), box);
}

// ---- trial balance ---------------------------------------------------------------------

// The ✓/✗ line under a statement (role=status, so it is read out when it appears).
function checkLine(ok, good, bad) {
  return h(`p.books-check.${ok ? 'ok' : 'bad'}`, { role: 'status', 'data-testid': 'books-check' }, ok ? `✓ ${good}` : `✗ ${bad}`);
}

export async function renderTrialBalance(main, _p, query) {
  const asOf = query.get('as_of') || todayIso();
  const branchId = query.get('branch_id') || '';
  put(main, pageHeader('Trial balance', backToReports()));
  const branches = await reportBranches();
  put(main, reportFilters('/reports/trial-balance', [
    { name: 'as_of', label: 'As of', type: 'date', value: asOf }, branchSpec(branches, branchId),
  ].filter(Boolean), 'Trial balance date'));
  const box = h('div', loading());
  put(main, box);
  let tb;
  try {
    tb = await api('GET', '/api/v1/reports/trial-balance', { query: { as_of: asOf, branch_id: branchId } });
  } catch (e) {
    put(clear(box), problemBox(e, () => go(`#/reports/trial-balance${qs({ as_of: asOf, branch_id: branchId, t: Date.now() })}`)));
    return;
  }
  const dr = BigInt(tb.total_debit_paise);
  const cr = BigInt(tb.total_credit_paise);
  const rows = tb.rows || [];
  put(clear(box),
    checkLine(dr === cr, `Debits equal credits: ${fmtPaise(dr)}`, `Out of balance by ${fmtPaise(dr > cr ? dr - cr : cr - dr)}`),
    rows.length ? h('div.table-wrap', h('table.table.report-table',
      h('caption', `Trial balance as of ${fmtDate(tb.as_of)}`),
      h('thead', h('tr', h('th', { scope: 'col' }, 'Code'), h('th', { scope: 'col' }, 'Account'), h('th', { scope: 'col' }, 'Type'),
        h('th.num', { scope: 'col' }, 'Debit'), h('th.num', { scope: 'col' }, 'Credit'))),
      h('tbody', rows.map((r) => h('tr',
        h('td.mono', r.code),
        h('td', h('a', { href: ledgerHref(r.account_id, { to: tb.as_of, branch_id: branchId }) }, r.name)),
        h('td', ACCOUNT_TYPES[r.type] || r.type),
        h('td.num', r.debit_paise ? fmtPaise(r.debit_paise) : ''),
        h('td.num', r.credit_paise ? fmtPaise(r.credit_paise) : '')))),
      h('tfoot', h('tr', h('th', { scope: 'row', colspan: 3 }, 'Total'),
        h('td.num', { 'data-testid': 'tb-total-debit' }, fmtPaise(dr)),
        h('td.num', { 'data-testid': 'tb-total-credit' }, fmtPaise(cr))))))
      : h('p.empty', 'No balances on this day.'));
}

// ---- statements: profit and loss, balance sheet ----------------------------------------

function sectionTable(title, section, linkQuery, totalLabel) {
  const lines = section.lines || [];
  return h('div.table-wrap', h('table.table.report-table',
    h('caption', title),
    h('thead', h('tr', h('th', { scope: 'col' }, 'Account'), h('th.num', { scope: 'col' }, 'Amount'))),
    h('tbody', lines.length ? lines.map((l) => {
      const label = l.code ? `${l.code} · ${l.name}` : l.name;
      const name = l.account_id ? h('a', { href: ledgerHref(l.account_id, linkQuery) }, label) : h('span', label);
      return h(`tr${l.is_group ? '.row-group' : ''}${l.account_id ? '' : '.row-computed'}`,
        h(`td.depth-${Math.min(l.depth || 0, 6)}`, name),
        h('td.num', fmtPaise(l.amount_paise)));
    }) : h('tr', h('td', { colspan: 2 }, h('span.muted', 'Nothing in this period.')))),
    h('tfoot', h('tr', h('th', { scope: 'row' }, totalLabel), h('td.num', fmtPaise(section.total_paise))))));
}

export async function renderProfitAndLoss(main, _p, query) {
  const today = todayIso();
  const to = query.get('to') || today;
  const from = query.get('from') || fyStartIso(to);
  const branchId = query.get('branch_id') || '';
  put(main, pageHeader('Profit and loss', backToReports()));
  const branches = await reportBranches();
  put(main, reportFilters('/reports/profit-and-loss', [
    { name: 'from', label: 'From date', type: 'date', value: from },
    { name: 'to', label: 'To date', type: 'date', value: to },
    branchSpec(branches, branchId),
  ].filter(Boolean), 'Profit and loss period'));
  const box = h('div', loading());
  put(main, box);
  let pl;
  try {
    pl = await api('GET', '/api/v1/reports/profit-and-loss', { query: { from, to, branch_id: branchId } });
  } catch (e) {
    put(clear(box), problemBox(e));
    return;
  }
  const link = { from: pl.from, to: pl.to, branch_id: branchId };
  const net = BigInt(pl.net_profit_paise);
  put(clear(box),
    h('p.lede', `${fmtDate(pl.from)} to ${fmtDate(pl.to)}. Year-closing entries are left out.`),
    h('div.detail-grid',
      h('section.panel', { 'aria-labelledby': 'pl-inc-h' }, h('h2', { id: 'pl-inc-h' }, 'Income'), sectionTable('Income', pl.income, link, 'Total income')),
      h('section.panel', { 'aria-labelledby': 'pl-exp-h' }, h('h2', { id: 'pl-exp-h' }, 'Expenses'), sectionTable('Expenses', pl.expenses, link, 'Total expenses'))),
    h('section.panel.net-line', { 'aria-label': 'Net result' },
      h('p.big-number', { 'data-testid': 'net-profit' }, net >= 0n ? `Net profit ${fmtPaise(net)}` : `Net loss ${fmtPaise(-net)}`)));
}

export async function renderBalanceSheet(main, _p, query) {
  const asOf = query.get('as_of') || todayIso();
  const branchId = query.get('branch_id') || '';
  put(main, pageHeader('Balance sheet', backToReports()));
  const branches = await reportBranches();
  put(main, reportFilters('/reports/balance-sheet', [
    { name: 'as_of', label: 'As of', type: 'date', value: asOf }, branchSpec(branches, branchId),
  ].filter(Boolean), 'Balance sheet date'));
  const box = h('div', loading());
  put(main, box);
  let bs;
  try {
    bs = await api('GET', '/api/v1/reports/balance-sheet', { query: { as_of: asOf, branch_id: branchId } });
  } catch (e) {
    put(clear(box), problemBox(e));
    return;
  }
  const link = { to: bs.as_of, branch_id: branchId };
  const assets = BigInt(bs.assets.total_paise);
  const le = BigInt(bs.liabilities.total_paise) + BigInt(bs.equity.total_paise);
  put(clear(box),
    checkLine(!!bs.balanced, `Balanced: assets ${fmtPaise(assets)} = liabilities and equity ${fmtPaise(le)}`,
      `Not balanced: assets ${fmtPaise(assets)}, liabilities and equity ${fmtPaise(le)}`),
    h('p.lede', `As of ${fmtDate(bs.as_of)}. Profit not yet closed into Retained Earnings: ${fmtPaise(bs.current_profit_paise)}.`),
    h('div.detail-grid',
      h('section.panel', { 'aria-labelledby': 'bs-a-h' }, h('h2', { id: 'bs-a-h' }, 'Assets'), sectionTable('Assets', bs.assets, link, 'Total assets')),
      h('section.panel', { 'aria-labelledby': 'bs-l-h' }, h('h2', { id: 'bs-l-h' }, 'Liabilities and equity'),
        sectionTable('Liabilities', bs.liabilities, link, 'Total liabilities'),
        sectionTable('Equity', bs.equity, link, 'Total equity'),
        h('p.total-line', h('strong', `Total liabilities and equity ${fmtPaise(le)}`)))));
}

// ---- ledgers ---------------------------------------------------------------------------

// A ledger (account, group or party): opening, entries with the running balance, closing.
// load(cursor) -> the API's Ledger.
function ledgerTable({ caption, load, showAccount, onLedger }) {
  return pagedTable({
    caption,
    empty: 'No entries in this period.',
    columns: [
      { label: 'Date', className: 'nowrap', render: (e) => (e._opening || e._closing ? '' : fmtDate(e.date)) },
      { label: 'Journal', className: 'nowrap', render: (e) => (e._opening ? h('strong', 'Opening balance') : e._closing ? h('strong', 'Closing balance') : h('a', { href: `#/journals/${e.journal_id}` }, e.number)) },
      ...(showAccount ? [{ label: 'Account', render: (e) => (e.account_id ? h('a', { href: ledgerHref(e.account_id) }, e.account_name) : '') }] : []),
      { label: 'Narration', render: (e) => e.narration || '' },
      { label: 'Document', render: (e) => (e._opening || e._closing ? '' : (e.source ? sourceLink(e.source, e.number) : h('a', { href: `#/journals/${e.journal_id}`, 'aria-label': `Journal ${e.number}` }, 'Journal'))) },
      { label: 'Debit', className: 'num', render: (e) => (e.debit_paise ? fmtPaise(e.debit_paise) : '') },
      { label: 'Credit', className: 'num', render: (e) => (e.credit_paise ? fmtPaise(e.credit_paise) : '') },
      { label: 'Balance', className: 'num', render: (e) => h(e._opening || e._closing ? 'strong' : 'span', fmtDrCr(e.balance_paise)) },
    ],
    load: async (cursor) => {
      const l = await load(cursor);
      onLedger(l);
      const items = [...(l.entries || [])];
      if (!cursor) items.unshift({ _opening: true, balance_paise: l.opening_paise });
      if (!l.next_cursor) items.push({ _closing: true, balance_paise: l.closing_paise, debit_paise: l.total_debit_paise, credit_paise: l.total_credit_paise });
      return { items, next_cursor: l.next_cursor };
    },
  });
}

function ledgerSummary(l) {
  return dl([
    ['Period', `${fmtDate(l.from)} to ${fmtDate(l.to)}`],
    ['Opening balance', h('span', { 'data-testid': 'ledger-opening' }, fmtDrCr(l.opening_paise))],
    ['Debits in the period', fmtPaise(l.total_debit_paise)],
    ['Credits in the period', fmtPaise(l.total_credit_paise)],
    ['Closing balance', h('strong', { 'data-testid': 'ledger-closing' }, fmtDrCr(l.closing_paise))],
  ]);
}

async function ledgerPage(main, { title, base, account, query, keep = {} }) {
  const to = query.get('to') || todayIso();
  const from = query.get('from') || fyStartIso(to);
  const branchId = query.get('branch_id') || '';
  put(main, pageHeader(title, backToReports(), session.can('books.accounts:read') ? h('a.btn', { href: '#/accounts' }, 'Chart of accounts') : null));
  if (account) {
    put(main, h('p.lede', `${account.is_group ? 'Group' : 'Account'} ${accountLabel(account)} (${ACCOUNT_TYPES[account.type] || account.type})${account.is_group ? ': every account under it.' : '.'} Balances: Dr is a debit balance, Cr a credit balance.`));
  }
  const branches = await reportBranches();
  put(main, reportFilters(base, [
    { name: 'from', label: 'From date', type: 'date', value: from },
    { name: 'to', label: 'To date', type: 'date', value: to },
    branchSpec(branches, branchId),
  ].filter(Boolean), `${title} period`, keep));
  const summary = h('section.panel', { 'aria-labelledby': 'ledger-sum-h' }, h('h2', { id: 'ledger-sum-h' }, 'Summary'), loading());
  put(main, summary);
  put(main, ledgerTable({
    caption: title,
    showAccount: !!account?.is_group,
    load: (cursor) => api('GET', '/api/v1/reports/ledger', { query: { account_id: account.id, from, to, branch_id: branchId, limit: 50, cursor } }),
    onLedger: (l) => put(clear(summary), h('h2', { id: 'ledger-sum-h' }, 'Summary'), ledgerSummary(l)),
  }));
}

async function accountOr(main, title, find) {
  put(main, loading());
  let chart;
  try {
    chart = await loadChart();
  } catch (e) {
    put(clear(main), pageHeader(title), problemBox(e));
    return null;
  }
  clear(main);
  const a = chart.find(find);
  if (!a) put(main, pageHeader(title), h('p.problem', { role: 'alert' }, 'This account is not in the chart of accounts.'));
  return a || null;
}

export async function renderLedger(main, { id }, query) {
  const a = await accountOr(main, 'Ledger', (x) => x.id === id);
  if (!a) return;
  await ledgerPage(main, { title: `Ledger: ${a.code} · ${a.name}`, base: `/reports/ledger/${a.id}`, account: a, query });
}

export async function renderCashBook(main, _p, query) {
  const a = await accountOr(main, 'Cash book', (x) => x.system_key === 'cash');
  if (!a) return;
  await ledgerPage(main, { title: 'Cash book', base: '/reports/cash-book', account: a, query });
}

export async function renderBankBook(main, _p, query) {
  const a = await accountOr(main, 'Bank book', (x) => x.system_key === 'bank_accounts');
  if (!a) return;
  await ledgerPage(main, { title: 'Bank book', base: '/reports/bank-book', account: a, query });
}

// ---- a customer's statement of account -------------------------------------------------

export async function renderStatement(main, { id }, query) {
  put(main, loading());
  let c;
  try {
    c = await api('GET', `/api/v1/customers/${id}`);
  } catch (e) {
    put(clear(main), pageHeader('Statement of account'), problemBox(e));
    return;
  }
  clear(main);
  const to = query.get('to') || todayIso();
  const from = query.get('from') || fyStartIso(to);
  const title = `Statement of account: ${c.name}`;
  put(main, pageHeader(title, h('a.btn', { href: `#/customers/${c.id}` }, `Back to ${c.name}`)),
    h('p.lede', 'Every invoice, note and payment of this customer with the running balance: Dr is what the customer owes, Cr what is owed to them.'));
  put(main, reportFilters(`/customers/${c.id}/statement`, [
    { name: 'from', label: 'From date', type: 'date', value: from },
    { name: 'to', label: 'To date', type: 'date', value: to },
  ], 'Statement period'));
  const summary = h('section.panel', { 'aria-labelledby': 'ledger-sum-h' }, h('h2', { id: 'ledger-sum-h' }, 'Summary'), loading());
  put(main, summary);
  put(main, ledgerTable({
    caption: `Statement of ${c.name}`,
    showAccount: false,
    load: (cursor) => api('GET', '/api/v1/reports/party-ledger', { query: { type: 'customer', id: c.id, from, to, limit: 50, cursor } }),
    onLedger: (l) => put(clear(summary), h('h2', { id: 'ledger-sum-h' }, 'Summary'), ledgerSummary(l)),
  }));
}

// ---- day book ---------------------------------------------------------------------------

export async function renderDayBook(main, _p, query) {
  const date = query.get('date') || todayIso();
  put(main, pageHeader('Day book', backToReports()));
  put(main, reportFilters('/reports/day-book', [{ name: 'date', label: 'Date', type: 'date', value: date }], 'Day book date'));
  put(main, h('p.lede', `Every journal dated ${fmtDate(date)}, newest first.`));
  put(main, pagedTable({
    caption: `Day book of ${fmtDate(date)}`,
    empty: 'No journals on this day.',
    columns: [
      { label: 'Journal', className: 'nowrap', render: (j) => h('a', { href: `#/journals/${j.id}` }, j.number) },
      { label: 'Kind', render: (j) => badge(j.kind) },
      { label: 'Narration', render: (j) => j.narration },
      { label: 'Document', render: (j) => sourceLink(j.source, j.number) },
      { label: 'Lines', render: (j) => h('ul.plain-list', (j.lines || []).map((l) => h('li', `${l.debit_paise ? 'Dr' : 'Cr'} ${l.account_code} · ${l.account_name} ${fmtPaise(l.debit_paise || l.credit_paise)}`))) },
      { label: 'Amount', className: 'num', render: (j) => fmtPaise(j.total_paise) },
    ],
    load: (cursor) => api('GET', '/api/v1/reports/day-book', { query: { date, limit: 50, cursor } }),
  }));
}

// ---- a payment: opens its invoice ------------------------------------------------------

export async function renderPayment(main, { id }) {
  put(main, pageHeader('Payment'), loading());
  try {
    const p = await api('GET', `/api/v1/payments/${id}`);
    location.replace(`#/invoices/${p.invoice_id}`);
  } catch (e) {
    put(clear(main), pageHeader('Payment'), problemBox(e));
  }
}
