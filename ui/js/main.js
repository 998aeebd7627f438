// Entry point: the shell (header, menu, main), the route table, and session events.

import { h, put, clear, parseHash } from './util.js';
import { api, session } from './api.js';
import { announce, clearStaleFlash } from './components.js';
import { setRouter, go } from './router.js';
import { renderLogin, renderPassword } from './pages-auth.js';
import { renderDashboard } from './pages-dashboard.js';
import { renderBranches, renderBranch } from './pages-branches.js';
import { renderCompany } from './pages-company.js';
import { renderUsers, renderRoles } from './pages-iam.js';
import { renderEmployees, renderEmployee, renderEmployeeForm } from './pages-hr.js';
import { renderCustomers, renderCustomer, renderItems } from './pages-sales.js';
import { renderInvoices, renderInvoice, renderInvoiceForm, renderInvoicePrint } from './pages-invoices.js';
import {
  renderCreditNotes, renderDebitNotes, renderCreditNoteForm, renderDebitNoteForm, renderCreditNote, renderDebitNote,
} from './pages-notes.js';
import {
  renderAccounts, renderJournals, renderJournal, renderJournalForm, renderBooksSettings,
} from './pages-books.js';
import {
  renderReports, renderTrialBalance, renderProfitAndLoss, renderBalanceSheet, renderLedger, renderCashBook,
  renderBankBook, renderDayBook, renderStatement, renderPayment,
} from './pages-reports.js';
import {
  renderVendors, renderVendor, renderBills, renderBill, renderBillForm, renderVendorPayments, renderVendorPayment, renderPayables,
} from './pages-purchases.js';
import {
  renderStock, renderStockLedger, renderStockTransfers, renderStockTransferForm, renderStockTransfer, renderStockSettings,
} from './pages-stock.js';
import { renderGstr2b } from './pages-returns.js';
import { renderAudit } from './pages-audit.js';
import { renderTenants } from './pages-system.js';

const NAV = [
  { href: '#/', label: 'Dashboard' },
  { href: '#/invoices', label: 'Invoices', perm: 'sales.invoices:read' },
  { href: '#/credit-notes', label: 'Credit notes', perm: 'sales.credit_notes:read', sub: true },
  { href: '#/debit-notes', label: 'Debit notes', perm: 'sales.debit_notes:read', sub: true },
  { href: '#/customers', label: 'Customers', perm: 'sales.customers:read' },
  { href: '#/items', label: 'Items', perm: 'sales.items:read' },
  { href: '#/bills', label: 'Bills', perm: 'purchases.bills:read' },
  { href: '#/vendor-payments', label: 'Vendor payments', perm: 'purchases.payments:read', sub: true },
  { href: '#/vendors', label: 'Vendors', perm: 'purchases.vendors:read' },
  { href: '#/payables', label: 'Payables', perm: 'reports.payables:read' },
  { href: '#/returns/gstr2b', label: 'GSTR-2B', perm: 'returns.gstr2b:read' },
  { href: '#/stock', label: 'Stock', perm: 'stock.reports:read' },
  { href: '#/stock-transfers', label: 'Transfers', perm: 'stock.reports:read', sub: true },
  { href: '#/stock-settings', label: 'Stock settings', perm: 'stock.settings:write', sub: true },
  { href: '#/journals', label: 'Journals', perm: 'books.journals:read' },
  { href: '#/accounts', label: 'Chart of accounts', perm: 'books.accounts:read', sub: true },
  { href: '#/reports', label: 'Reports', perm: 'books.reports:read' },
  { href: '#/books/settings', label: 'Books settings', perm: 'books.settings:write', sub: true },
  { href: '#/employees', label: 'Employees', perm: 'hr.employees:read' },
  { href: '#/branches', label: 'Branches', perm: 'org.branches:read' },
  { href: '#/company', label: 'Company profile', perm: 'org.company:read' },
  { href: '#/users', label: 'Users', perm: 'iam.users:read' },
  { href: '#/roles', label: 'Roles & permissions', perm: 'iam.roles:read' },
  { href: '#/audit', label: 'Audit log', perm: 'audit.log:read' },
  { href: '#/password', label: 'Change password' },
];

const SYSTEM_NAV = [{ href: '#/system/tenants', label: 'Tenants' }];

const ROUTES = [
  ['/', renderDashboard],
  ['/password', (m) => renderPassword(m, { forced: false })],
  ['/branches', renderBranches],
  ['/branches/:id', renderBranch],
  ['/company', renderCompany],
  ['/users', renderUsers],
  ['/roles', renderRoles],
  ['/employees', renderEmployees],
  ['/employees/new', renderEmployeeForm],
  ['/employees/:id', renderEmployee],
  ['/employees/:id/edit', renderEmployeeForm],
  ['/customers', renderCustomers],
  ['/customers/:id', renderCustomer],
  ['/customers/:id/statement', renderStatement],
  ['/items', renderItems],
  ['/invoices', renderInvoices],
  ['/invoices/new', renderInvoiceForm],
  ['/invoices/:id', renderInvoice],
  ['/invoices/:id/edit', renderInvoiceForm],
  ['/invoices/:id/print', renderInvoicePrint],
  ['/credit-notes', renderCreditNotes],
  ['/credit-notes/new', renderCreditNoteForm],
  ['/credit-notes/:id', renderCreditNote],
  ['/debit-notes', renderDebitNotes],
  ['/debit-notes/new', renderDebitNoteForm],
  ['/debit-notes/:id', renderDebitNote],
  ['/payments/:id', renderPayment],
  ['/vendors', renderVendors],
  ['/vendors/:id', renderVendor],
  ['/bills', renderBills],
  ['/bills/new', renderBillForm],
  ['/bills/:id', renderBill],
  ['/bills/:id/edit', renderBillForm],
  ['/vendor-payments', renderVendorPayments],
  ['/vendor-payments/:id', renderVendorPayment],
  ['/payables', renderPayables],
  ['/returns/gstr2b', renderGstr2b],
  ['/stock', renderStock],
  ['/stock/ledger/:id', renderStockLedger],
  ['/stock-transfers', renderStockTransfers],
  ['/stock-transfers/new', renderStockTransferForm],
  ['/stock-transfers/:id', renderStockTransfer],
  ['/stock-settings', renderStockSettings],
  ['/accounts', renderAccounts],
  ['/journals', renderJournals],
  ['/journals/new', renderJournalForm],
  ['/journals/:id', renderJournal],
  ['/books/settings', renderBooksSettings],
  ['/reports', renderReports],
  ['/reports/trial-balance', renderTrialBalance],
  ['/reports/profit-and-loss', renderProfitAndLoss],
  ['/reports/balance-sheet', renderBalanceSheet],
  ['/reports/day-book', renderDayBook],
  ['/reports/cash-book', renderCashBook],
  ['/reports/bank-book', renderBankBook],
  ['/reports/ledger/:id', renderLedger],
  ['/audit', renderAudit],
  ['/system/tenants', renderTenants],
];

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, fn] of ROUTES) {
    const pp = pattern.split('/').filter(Boolean);
    if (pp.length !== parts.length) continue;
    const params = {};
    if (pp.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(parts[i])), true) : p === parts[i]))) {
      return { fn, params };
    }
  }
  return null;
}

const app = () => document.getElementById('app');
let shell = null; // {main, nav, menuButton, key}

function buildShell(s) {
  const key = `${s.scope}|${s.user?.id}|${(s.user?.permissions || []).join(',')}`;
  if (shell && shell.key === key && document.body.contains(shell.main)) return shell;
  const root = clear(app());
  const items = (s.scope === 'system' ? SYSTEM_NAV : NAV).filter((n) => !n.perm || session.can(n.perm));
  const navList = h('ul', items.map((n) => h(n.sub ? 'li.nav-sub' : 'li', h('a', { href: n.href }, n.label))));
  const nav = h('nav.sidenav', { id: 'sidenav', 'aria-label': 'Main menu' }, navList,
    h('p.nav-foot', h('a', { href: '/api-docs' }, 'API documentation')));
  const menuButton = h('button.btn.menu-toggle', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'sidenav' }, 'Menu');
  menuButton.addEventListener('click', () => {
    const open = menuButton.getAttribute('aria-expanded') !== 'true';
    menuButton.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
  const signOut = h('button.btn.btn-small', { type: 'button' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    signOut.textContent = 'Signing out…';
    if (session.get()?.scope === 'tenant') {
      try { await api('POST', '/api/v1/auth/logout'); } catch { /* the session ends locally anyway */ }
    }
    session.clear();
    shell = null;
    go('#/');
    announce('You have signed out.');
  });
  const who = s.scope === 'system'
    ? `${s.user?.email || ''} · system administrator`
    : `${s.user?.name || s.user?.email || ''} · ${s.tenant || ''}`;
  const main = h('main.main', { id: 'main', tabindex: '-1' });
  const skip = h('a.skip-link', { href: '#main' }, 'Skip to content');
  skip.addEventListener('click', (ev) => { ev.preventDefault(); main.focus(); });
  put(root, 
    skip,
    h('header.topbar',
      menuButton,
      h('a.brand', { href: s.scope === 'system' ? '#/system/tenants' : '#/' }, h('span.brand-mark', { 'aria-hidden': 'true' }, 'B'), 'BISMAN ERP'),
      h('div.topbar-user', h('span.who', who), signOut)),
    h('div.layout', nav, main));
  shell = { main, nav, menuButton, key };
  return shell;
}

let renderSeq = 0;

async function route() {
  const { path, query } = parseHash(location.hash);
  document.querySelectorAll('dialog[open]').forEach((d) => d.close());
  clearStaleFlash();
  const s = session.get();
  if (!s) {
    shell = null;
    renderLogin(app(), { system: path.startsWith('/system') });
    return;
  }
  if (s.password_expired && path !== '/password') { go('#/password'); return; }
  if (s.scope === 'system' && !path.startsWith('/system')) { go('#/system/tenants'); return; }
  if (s.scope === 'tenant' && path.startsWith('/system')) { go('#/'); return; }
  const { main, nav, menuButton } = buildShell(s);
  nav.classList.remove('open');
  menuButton.setAttribute('aria-expanded', 'false');
  nav.querySelectorAll('a').forEach((a) => {
    const target = a.getAttribute('href').slice(1);
    const active = target === '/' ? path === '/' : (path === target || path.startsWith(`${target}/`));
    if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  const seq = ++renderSeq;
  clear(main);
  document.body.classList.toggle('print-mode', /\/print$/.test(path));
  const found = match(path);
  if (!found) {
    put(main, h('h1', { tabindex: '-1' }, 'Page not found'), h('p', h('a', { href: '#/' }, 'Back to the dashboard')));
  } else if (s.password_expired) {
    renderPassword(main, { forced: true });
  } else {
    try {
      await found.fn(main, found.params, query, () => seq === renderSeq);
    } catch (e) {
      put(main, h('div.problem', { role: 'alert' }, String(e && e.message ? e.message : e)));
    }
  }
  if (seq !== renderSeq) return;
  const h1 = main.querySelector('h1');
  document.title = `${h1 ? h1.textContent : 'BISMAN'} · BISMAN ERP`;
  if (h1 && !main.contains(document.activeElement)) h1.focus();
}

session.on('signedOut', (message) => {
  session.clear();
  shell = null;
  renderLogin(app(), { system: location.hash.startsWith('#/system'), notice: message });
});
session.on('passwordExpired', () => {
  const s = session.get();
  if (s && !s.password_expired) { s.password_expired = true; go('#/password'); }
});

// A restored session (page reload) re-reads the user: roles may have changed meanwhile.
function refreshMe() {
  const s = session.get();
  if (!s || s.scope !== 'tenant') return;
  api('GET', '/api/v1/auth/me').then((me) => {
    const before = JSON.stringify(session.get()?.user?.permissions || []);
    session.setUser(me);
    if (JSON.stringify(me.permissions || []) !== before) { shell = null; route(); }
  }).catch(() => { /* a 401 already sent the user to sign in */ });
}

setRouter(route);
window.addEventListener('hashchange', route);
session.load();
route();
refreshMe();
