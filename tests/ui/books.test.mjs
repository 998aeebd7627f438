// Browser tests of the books UI: chart of accounts, manual journals (live difference,
// server errors at the line, reversal), trial balance → ledger → document drill-down,
// profit and loss, balance sheet, a customer's statement of account, day, cash and bank
// books, the CSV export, the lock date and year close, and what staff do not see.
// Real Chromium at 1366×768 against the real binary; run through scripts/ui-test.sh.
//
// This file runs before tax.test.mjs and ui.test.mjs (alphabetical order), so it uses
// its own branch, customer and item, and leaves the books unlocked when it is done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ACCOUNTS, STAFF, COMPANY } from './setup-data.mjs';
import { gstinCheckChar } from '../../ui/js/validate.js';
import { fmtPaise } from '../../ui/js/util.js';

const BASE = process.env.UI_BASE_URL;
const TENANT = process.env.UI_TENANT;
const USER = ACCOUNTS;
const SHOTS = process.env.UI_SHOTS || path.resolve('target/ui-screenshots');
const T = 15000;

// Delhi branch whose GSTIN carries the company PAN of setup-data.mjs.
const BOOKS_BRANCH = { code: 'BKS01', name: 'Delhi Books Office', state_code: '07', address: '4 Connaught Place, New Delhi 110001' };
BOOKS_BRANCH.gstin = `07${COMPANY.pan}1Z${gstinCheckChar(`07${COMPANY.pan}1Z`)}`;
const BOOKS_CUSTOMER = { name: 'Narmada Traders', registration: 'unregistered', state_code: '07', billing_address: '17 Chandni Chowk, Delhi 110006' };
const BOOKS_ITEM = { sku: 'BK-SVC', name: 'Bookkeeping service', hsn_sac: '998221', unit: 'HRS', unit_price_paise: 100000, gst_rate_bp: 1800 };

let browser;
let page;
const cspViolations = [];
const pageErrors = [];
const state = {};
const has = {};

const iso = (d) => d.toISOString().slice(0, 10);
const today = iso(new Date());
const daysAgo = (n) => iso(new Date(Date.now() - n * 86400000));

async function newPage(viewport = { width: 1366, height: 768 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const p = await context.newPage();
  p.setDefaultTimeout(T);
  p.on('console', (msg) => {
    const text = msg.text();
    if (/Content.Security.Policy|Refused to (load|execute|apply|connect)/i.test(text)) cspViolations.push(`${p.url()}: ${text}`);
  });
  p.on('pageerror', (err) => pageErrors.push(`${p.url()}: ${err.message}`));
  await p.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return p;
}

async function shot(p, name, { fullPage = false } = {}) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

async function heading(p, text) {
  await p.getByRole('heading', { level: 1, name: text }).waitFor();
}

async function selectByText(select, text) {
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  await select.selectOption(value);
}

async function login(who) {
  const res = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ tenant: TENANT, email: who.email, password: who.password }) });
  if (!res.ok) throw new Error(`sign-in as ${who.email}: ${res.status} ${await res.text()}`);
  return res.json();
}

// The API as the test user, from Node.
async function call(method, url, body, headers = {}) {
  const res = await fetch(`${BASE}${url}`, {
    method,
    headers: { Authorization: `Bearer ${state.login.access_token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: res.status, body: parsed };
}

async function must(method, url, body, headers) {
  const r = await call(method, url, body, headers);
  if (r.status >= 300) throw new Error(`${method} ${url} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// Puts a sign-in's tokens into a page's sessionStorage (no extra sign-in).
async function useSession(p, l) {
  const me = l.user || await (await fetch(`${BASE}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${l.access_token}` } })).json();
  await p.goto(`${BASE}/`);
  await p.evaluate(([data, user, tenant]) => {
    sessionStorage.setItem('bisman.session', JSON.stringify({
      scope: 'tenant', tenant, user, access_token: data.access_token, refresh_token: data.refresh_token,
      expires_at: Date.now() + (Number(data.expires_in) || 900) * 1000,
    }));
  }, [l, me, TENANT]);
  await p.reload();
  await heading(p, 'Dashboard');
}

// A branch, a customer, an item and an issued invoice of ₹2,360.00 (2 × ₹1,000.00 + 18 %
// intra-state), part paid (₹1,000.00), made through the API.
async function seed() {
  const co = await must('GET', '/api/v1/company');
  if (!co.legal_name || !co.pan) {
    await must('PUT', '/api/v1/company', {
      legal_name: co.legal_name || COMPANY.legal_name, trade_name: co.trade_name || '', pan: COMPANY.pan,
      registered_address: co.registered_address || COMPANY.registered_address, bank: co.bank || null,
      upi_id: co.upi_id || null, invoice_terms: co.invoice_terms || '', e_invoicing: !!co.e_invoicing,
    });
  }
  const branch = await must('POST', '/api/v1/branches', BOOKS_BRANCH);
  const customer = await must('POST', '/api/v1/customers', BOOKS_CUSTOMER);
  const item = await must('POST', '/api/v1/items', BOOKS_ITEM);
  const draft = await must('POST', '/api/v1/invoices', {
    branch_id: branch.id, customer_id: customer.id, invoice_date: today, due_date: iso(new Date(Date.now() + 30 * 86400000)),
    lines: [{ item_id: item.id, quantity: 2 }],
  });
  const invoice = await must('POST', `/api/v1/invoices/${draft.id}/issue`);
  assert.equal(invoice.grand_total_paise, 236000);
  const payment = await must('POST', '/api/v1/payments', { invoice_id: invoice.id, amount_paise: 100000, method: 'upi', reference: 'UPI-BOOKS-1', received_on: today }, { 'Idempotency-Key': `books-${Date.now()}` });
  Object.assign(state, { branch, customer, item, invoice, payment });
}

function needs(t, ...parts) {
  const missing = parts.filter((p) => !has[p]);
  if (missing.length) { t.skip(`API not merged yet: ${missing.join(', ')}`); return true; }
  return false;
}

before(async () => {
  state.login = await login(USER);
  has.books = (await call('GET', '/api/v1/accounts')).status === 200;
  has.sales = (await call('GET', '/api/v1/invoices')).status === 200;
  if (has.books && has.sales) await seed();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  page = await newPage();
  await useSession(page, state.login);
});

after(async () => {
  if (browser) await browser.close();
});

test('chart of accounts: the seeded tree, add an account under a group, rename it', async (t) => {
  if (needs(t, 'books')) return;
  const nav = page.getByRole('navigation', { name: 'Main menu' });
  await nav.getByRole('link', { name: 'Chart of accounts' }).click();
  await heading(page, 'Chart of accounts');
  const debtors = page.locator('tr[data-code="1130"]');
  await debtors.getByRole('link', { name: 'Sundry Debtors' }).waitFor();
  assert.match(await debtors.locator('td').nth(1).getAttribute('class'), /depth-2/, 'Assets › Current Assets › Sundry Debtors');
  await page.locator('tr[data-code="2121"]').getByText('Output CGST').waitFor();
  const duties = page.locator('tr[data-code="2120"]');
  assert.match(await duties.getAttribute('class'), /row-group/);
  assert.equal(await duties.getByRole('link').count(), 0, 'a group is not a ledger link');
  assert.equal(await duties.getByText('group', { exact: true }).count(), 1, 'the group marker');
  // Add "Internet Charges" under Indirect Expenses.
  await page.getByRole('button', { name: 'Add account' }).click();
  const dlg = page.getByRole('dialog');
  await selectByText(dlg.getByLabel('Group', { exact: true }), '5300 · Indirect Expenses');
  await dlg.getByText('Type: Expense').waitFor();
  await dlg.getByLabel('Code', { exact: true }).fill('5370');
  await dlg.getByLabel('Name', { exact: true }).fill('Internet Charges');
  await dlg.getByRole('button', { name: 'Add account' }).click();
  await heading(page, 'Chart of accounts');
  const added = page.locator('tr[data-code="5370"]');
  await added.getByRole('link', { name: 'Internet Charges' }).waitFor();
  assert.match(await added.locator('td').nth(1).getAttribute('class'), /depth-2/);
  assert.match(await added.textContent(), /Expense/);
  // A taken code is refused at its field.
  await page.getByRole('button', { name: 'Add account' }).click();
  await selectByText(dlg.getByLabel('Group', { exact: true }), '5300 · Indirect Expenses');
  await dlg.getByLabel('Code', { exact: true }).fill('5310');
  await dlg.getByLabel('Name', { exact: true }).fill('Rent again');
  await dlg.getByRole('button', { name: 'Add account' }).click();
  await dlg.locator('.field-error:not([hidden]), .form-error:not([hidden])').first().waitFor();
  await dlg.getByRole('button', { name: 'Cancel' }).click();
  // Rename (If-Match with the account's version).
  await page.getByRole('button', { name: 'Edit 5370 Internet Charges' }).click();
  await dlg.getByLabel('Name', { exact: true }).fill('Internet and Phone');
  await dlg.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('tr[data-code="5370"]').getByRole('link', { name: 'Internet and Phone' }).waitFor();
  const chart = await must('GET', '/api/v1/accounts');
  assert.equal(chart.items.find((a) => a.code === '5370').version, 2);
  await shot(page, 'books-chart', { fullPage: true });
  // A non-group account opens its ledger.
  await page.locator('tr[data-code="5310"]').getByRole('link', { name: 'Rent' }).click();
  await heading(page, 'Ledger: 5310 · Rent');
});

test('new journal: live difference, Post disabled while unbalanced, server errors at the line, then posted', async (t) => {
  if (needs(t, 'books')) return;
  await page.goto(`${BASE}/#/journals`);
  await heading(page, 'Journals');
  await page.getByRole('link', { name: 'New journal' }).click();
  await heading(page, 'New journal');
  const diff = page.getByTestId('journal-difference');
  const post = page.getByRole('button', { name: 'Post journal' });
  assert.equal(await diff.textContent(), 'Difference ₹0.00');
  assert.equal(await post.isDisabled(), true, 'nothing to post yet');
  // Leaf accounts only; the control accounts are there but cannot be chosen.
  const acct1 = page.getByLabel('Line 1 account');
  assert.equal(await acct1.locator('option', { hasText: '1120 · Bank Accounts' }).count(), 0, 'no group accounts');
  assert.equal(await acct1.locator('option', { hasText: '1130 · Sundry Debtors' }).isDisabled(), true);
  await page.getByLabel('Narration').fill('Rent for November paid by bank transfer');
  await selectByText(acct1, '5310 · Rent');
  await page.getByLabel('Line 1 debit in rupees').fill('15,000');
  assert.equal(await diff.textContent(), 'Debits exceed credits by ₹15,000.00');
  assert.equal(await post.isDisabled(), true);
  await selectByText(page.getByLabel('Line 2 account'), '1121 · Bank');
  await page.getByLabel('Line 2 credit in rupees').fill('14999.99');
  assert.equal(await diff.textContent(), 'Debits exceed credits by ₹0.01');
  assert.equal(await post.isDisabled(), true);
  await page.getByLabel('Line 2 credit in rupees').fill('15000.01');
  assert.equal(await diff.textContent(), 'Credits exceed debits by ₹0.01');
  // A third line, removed again.
  await page.getByRole('button', { name: '+ Add line' }).click();
  await page.getByLabel('Line 3 account').waitFor();
  await page.getByRole('button', { name: 'Remove line 3' }).click();
  assert.equal(await page.getByLabel('Line 3 account').count(), 0);
  // Balanced but beyond the largest amount a line may carry: the server's 422 lands on the lines.
  await page.getByLabel('Line 1 debit in rupees').fill('100000000001');
  await page.getByLabel('Line 2 credit in rupees').fill('100000000001');
  assert.equal(await diff.textContent(), 'Difference ₹0.00');
  assert.equal(await post.isDisabled(), false);
  await post.click();
  const debit1 = page.getByLabel('Line 1 debit in rupees');
  await page.waitForFunction(() => document.querySelector('[data-field="lines[0].debit_paise"]')?.getAttribute('aria-invalid') === 'true');
  const errId = (await debit1.getAttribute('aria-describedby')).split(' ')[0];
  assert.match(await page.locator(`#${errId}`).textContent(), /the amount must be from ₹0\.01 to ₹1,00,00,00,00,000\.00$/);
  assert.equal(await page.getByLabel('Line 2 credit in rupees').getAttribute('aria-invalid'), 'true');
  await shot(page, 'books-journal-errors', { fullPage: true });
  // Fixed: ₹15,000.00 each side.
  await debit1.fill('15000');
  await page.getByLabel('Line 2 credit in rupees').fill('15000');
  assert.equal(await diff.textContent(), 'Difference ₹0.00');
  assert.equal(await page.getByTestId('journal-totals').textContent(), 'Debits ₹15,000.00 · Credits ₹15,000.00');
  await post.click();
  await heading(page, /^Journal JV-\d+$/);
  state.journalUrl = page.url().replace(/\?.*$/, '');
  state.journalId = state.journalUrl.split('/').pop();
  state.journalNumber = (await page.getByRole('heading', { level: 1 }).textContent()).replace('Journal ', '');
  assert.equal(await page.getByTestId('journal-debit-total').textContent(), '₹15,000.00');
  assert.equal(await page.getByTestId('journal-source').textContent(), 'Manual');
  const j = await must('GET', `/api/v1/journals/${state.journalId}`);
  assert.equal(j.kind, 'manual');
  assert.deepEqual(j.lines.map((l) => [l.account_code, l.debit_paise, l.credit_paise]), [['5310', 1500000, 0], ['1121', 0, 1500000]]);
  // It is in the list.
  await page.goto(`${BASE}/#/journals`);
  await heading(page, 'Journals');
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: state.journalNumber, exact: true }) });
  await row.getByText('Rent for November paid by bank transfer').waitFor();
  assert.match(await row.textContent(), /₹15,000\.00/);
  // The kind filter: manual journals only, then document journals (the invoice's) without it.
  await page.getByLabel('Kind').selectOption('document');
  await page.getByRole('button', { name: 'Apply' }).click();
  const list = page.getByRole('table', { name: 'Journals' });
  await list.getByRole('link', { name: /^Invoice \(JV-\d+\)$/ }).first().waitFor();
  assert.equal(await list.getByRole('link', { name: state.journalNumber, exact: true }).count(), 0);
  await shot(page, 'books-journals');
});

test('reverse a manual journal (once); document journals have no Reverse button', async (t) => {
  if (needs(t, 'books') || !state.journalUrl) return;
  await page.goto(state.journalUrl);
  await heading(page, `Journal ${state.journalNumber}`);
  await page.getByRole('button', { name: 'Reverse' }).click();
  const dlg = page.getByRole('dialog');
  assert.equal(await dlg.getByLabel('Reversal date').inputValue(), today);
  await dlg.getByRole('button', { name: 'Reverse journal' }).click();
  await page.waitForFunction((id) => /^#\/journals\/[^/]+$/.test(location.hash) && !location.hash.endsWith(id), state.journalId);
  await heading(page, /^Journal JV-\d+$/);
  await page.getByTestId('reverses').filter({ hasText: state.journalNumber }).waitFor();
  assert.match(await page.locator('.badge').first().textContent(), /reversal/);
  assert.equal(await page.getByRole('button', { name: 'Reverse' }).count(), 0, 'a reversal is not reversible');
  await shot(page, 'books-reversal');
  await page.getByTestId('reverses').click();
  await heading(page, `Journal ${state.journalNumber}`);
  await page.getByTestId('reversed-by').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Reverse' }).count(), 0, 'reversed once only');
  const again = await call('POST', `/api/v1/journals/${state.journalId}/reverse`, {});
  assert.equal(again.status, 409);
  assert.match(again.body.type, /already_reversed/);
  // The invoice's journal: no Reverse button, a link to the invoice.
  if (!has.sales) return;
  const docs = await must('GET', `/api/v1/journals?source_type=invoice&source_id=${state.invoice.id}`);
  assert.equal(docs.items.length, 1);
  await page.goto(`${BASE}/#/journals/${docs.items[0].id}`);
  await heading(page, `Journal ${docs.items[0].number}`);
  assert.equal(await page.getByRole('button', { name: 'Reverse' }).count(), 0);
  await page.getByTestId('journal-source').getByRole('link', { name: 'Invoice' }).waitFor();
});

test('trial balance: debits equal credits; drill down to the Sundry Debtors ledger and the invoice', async (t) => {
  if (needs(t, 'books', 'sales')) return;
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Reports' }).click();
  await heading(page, 'Reports');
  await page.getByRole('link', { name: 'Trial balance' }).click();
  await heading(page, 'Trial balance');
  await page.getByTestId('books-check').waitFor();
  assert.match(await page.getByTestId('books-check').textContent(), /^✓ Debits equal credits/);
  const dr = await page.getByTestId('tb-total-debit').textContent();
  assert.equal(dr, await page.getByTestId('tb-total-credit').textContent());
  assert.notEqual(dr, '₹0.00');
  const tb = await must('GET', `/api/v1/reports/trial-balance?as_of=${today}`);
  assert.equal(tb.total_debit_paise, tb.total_credit_paise);
  await shot(page, 'books-trial-balance', { fullPage: true });
  await page.getByRole('link', { name: 'Sundry Debtors' }).click();
  await heading(page, 'Ledger: 1130 · Sundry Debtors');
  await page.getByTestId('ledger-closing').waitFor();
  const inv = page.locator(`a[href="#/invoices/${state.invoice.id}"]`).first();
  await inv.waitFor();
  // Running balance after the invoice: its grand total, debit.
  const invRow = page.getByRole('row').filter({ has: inv });
  assert.match(await invRow.textContent(), /₹2,360\.00 Dr/);
  await shot(page, 'books-ledger');
  await inv.click();
  await heading(page, /^Invoice /);
  assert.equal(page.url().split('#')[1], `/invoices/${state.invoice.id}`);
});

test('profit and loss and balance sheet render, indented, with the balanced indicator', async (t) => {
  if (needs(t, 'books', 'sales')) return;
  await page.goto(`${BASE}/#/reports/profit-and-loss`);
  await heading(page, 'Profit and loss');
  const income = page.getByRole('table', { name: 'Income' });
  const sales = income.getByRole('row').filter({ hasText: 'Sales @ 18%' });
  assert.match(await sales.textContent(), /₹2,000\.00/);
  assert.match(await sales.locator('td').first().getAttribute('class'), /depth-2/);
  assert.match(await income.getByRole('row').filter({ hasText: '4100 · Sales Accounts' }).getAttribute('class'), /row-group/);
  assert.match(await page.getByTestId('net-profit').textContent(), /^Net (profit|loss) ₹[\d,]+\.\d\d$/);
  const pl = await must('GET', '/api/v1/reports/profit-and-loss');
  const net = BigInt(pl.net_profit_paise);
  assert.equal(await page.getByTestId('net-profit').textContent(), `${net >= 0n ? 'Net profit' : 'Net loss'} ${fmtPaise(net < 0n ? -net : net)}`);
  await shot(page, 'books-profit-and-loss', { fullPage: true });
  // A period before any entry: empty sections, no profit.
  await page.getByLabel('From date').fill('2020-04-01');
  await page.getByLabel('To date').fill('2021-03-31');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByTestId('net-profit').filter({ hasText: 'Net profit ₹0.00' }).waitFor();
  assert.match(page.url(), /from=2020-04-01&to=2021-03-31/);
  await page.goto(`${BASE}/#/reports/balance-sheet`);
  await heading(page, 'Balance sheet');
  await page.getByTestId('books-check').waitFor();
  assert.match(await page.getByTestId('books-check').textContent(), /^✓ Balanced/);
  await page.getByRole('table', { name: 'Assets' }).getByRole('link', { name: '1130 · Sundry Debtors' }).waitFor();
  await page.getByRole('table', { name: 'Equity' }).waitFor();
  await shot(page, 'books-balance-sheet', { fullPage: true });
});

test('customer statement: the invoice and the payment with a running balance', async (t) => {
  if (needs(t, 'books', 'sales')) return;
  await page.goto(`${BASE}/#/customers/${state.customer.id}`);
  await heading(page, BOOKS_CUSTOMER.name);
  await page.getByRole('link', { name: 'Statement of account' }).click();
  await heading(page, `Statement of account: ${BOOKS_CUSTOMER.name}`);
  await page.getByTestId('ledger-closing').filter({ hasText: '₹1,360.00 Dr' }).waitFor();
  const table = page.getByRole('table', { name: `Statement of ${BOOKS_CUSTOMER.name}` });
  const rows = table.locator('tbody tr');
  assert.match(await rows.first().textContent(), /Opening balance/);
  const invRow = rows.filter({ has: page.locator(`a[href="#/invoices/${state.invoice.id}"]`) });
  assert.match(await invRow.textContent(), /₹2,360\.00.*₹2,360\.00 Dr/);
  const payRow = rows.filter({ has: page.locator(`a[href="#/payments/${state.payment.id}"]`) });
  assert.match(await payRow.textContent(), /₹1,000\.00.*₹1,360\.00 Dr/);
  assert.match(await rows.last().textContent(), /Closing balance.*₹1,360\.00 Dr/);
  await shot(page, 'books-statement', { fullPage: true });
  // A payment opens its invoice.
  await payRow.getByRole('link', { name: /^Payment/ }).click();
  await heading(page, /^Invoice /);
  assert.equal(page.url().split('#')[1], `/invoices/${state.invoice.id}`);
  // A period before the invoice: nothing but the zero balances.
  await page.goto(`${BASE}/#/customers/${state.customer.id}/statement?from=2020-04-01&to=2021-03-31`);
  await heading(page, `Statement of account: ${BOOKS_CUSTOMER.name}`);
  await page.getByTestId('ledger-closing').filter({ hasText: '₹0.00' }).waitFor();
});

test('day book, cash book, bank book and the journal CSV', async (t) => {
  if (needs(t, 'books')) return;
  await page.goto(`${BASE}/#/reports/day-book`);
  await heading(page, 'Day book');
  if (state.journalNumber) await page.getByRole('link', { name: state.journalNumber, exact: true }).waitFor();
  await page.getByLabel('Date', { exact: true }).fill('2020-01-01');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByText('No journals on this day.').waitFor();
  await page.goto(`${BASE}/#/reports`);
  await heading(page, 'Reports');
  await page.getByRole('link', { name: 'Bank book' }).click();
  await heading(page, 'Bank book');
  await page.getByText('Group 1120 · Bank Accounts').waitFor();
  if (state.journalNumber) {
    // The rent journal and its reversal: back to where the bank started.
    await page.getByRole('table', { name: 'Bank book' }).getByRole('link', { name: state.journalNumber, exact: true }).waitFor();
  }
  await page.goto(`${BASE}/#/reports`);
  await page.getByRole('link', { name: 'Cash book' }).click();
  await heading(page, 'Cash book');
  await page.getByText('Account 1110 · Cash-in-hand').waitFor();
  await page.getByTestId('ledger-closing').waitFor();
  await page.goto(`${BASE}/#/reports`);
  await heading(page, 'Reports');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download journal CSV' }).click()]);
  const saved = path.join(SHOTS, 'journal-export.csv');
  await dl.saveAs(saved);
  const csv = fs.readFileSync(saved, 'utf8');
  if (state.journalNumber) assert.ok(csv.includes(state.journalNumber), 'the export has the manual journal');
  assert.ok(csv.split('\n').length > 2);
});

test('books settings: close a year, lock the books, a journal before the lock date is refused, a closed year stays locked', async (t) => {
  if (needs(t, 'books')) return;
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Books settings' }).click();
  await heading(page, 'Books settings');
  assert.match(await page.getByTestId('lock-status').textContent(), /not locked/);
  // A year long past with one expense (₹500.00 of rent): closed, the loss moved to
  // Retained Earnings, the books locked to its last day.
  const accounts = (await must('GET', '/api/v1/accounts')).items;
  const code = (c) => accounts.find((a) => a.code === c).id;
  await must('POST', '/api/v1/journals', { date: '2019-06-01', narration: 'Rent for May 2019', lines: [{ account_id: code('5310'), debit_paise: 50000 }, { account_id: code('1121'), credit_paise: 50000 }] });
  await page.getByLabel('Financial year', { exact: true }).selectOption('2019-20');
  await page.getByRole('button', { name: 'Close year' }).click();
  let dlg = page.getByRole('dialog');
  await dlg.getByRole('button', { name: 'Close FY 2019-20' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel', 'Cancel has the initial focus');
  await dlg.getByRole('button', { name: 'Close FY 2019-20' }).click();
  await page.getByTestId('close-result').getByText('FY 2019-20 closed.').waitFor();
  assert.match(await page.getByTestId('close-result').textContent(), /Loss of ₹500\.00 moved to Retained Earnings\..*locked up to 31 Mar 2020/);
  await page.getByTestId('lock-status').filter({ hasText: 'locked up to 31 Mar 2020' }).waitFor();
  await shot(page, 'books-year-closed');
  await page.getByTestId('close-result').getByRole('link', { name: 'Open the closing journal' }).click();
  await heading(page, /^Journal JV-\d+$/);
  assert.match(await page.locator('.badge').first().textContent(), /closing/);
  await page.getByRole('link', { name: '3200 · Retained Earnings' }).waitFor();
  await page.goBack();
  await heading(page, 'Books settings');
  await page.getByLabel('Financial year', { exact: true }).selectOption('2019-20');
  // Twice: the problem is shown in the dialog.
  await page.getByRole('button', { name: 'Close year' }).click();
  dlg = page.getByRole('dialog');
  await dlg.getByRole('button', { name: 'Close FY 2019-20' }).click();
  await dlg.locator('.form-error:not([hidden])').filter({ hasText: /closed already/ }).waitFor();
  await dlg.getByRole('button', { name: 'Cancel' }).click();
  // Lock up to yesterday.
  await page.goto(`${BASE}/#/books/settings?t=1`);
  await heading(page, 'Books settings');
  await page.getByLabel('Lock the books up to and including').fill(daysAgo(1));
  await page.getByRole('button', { name: 'Change lock date' }).click();
  await page.getByTestId('lock-status').filter({ hasText: 'The books are locked up to' }).waitFor();
  assert.equal((await must('GET', '/api/v1/books/lock')).lock_date, daysAgo(1));
  await shot(page, 'books-settings');
  // A journal dated two days ago: period_locked, with the server's detail.
  await page.goto(`${BASE}/#/journals/new`);
  await heading(page, 'New journal');
  await page.getByLabel('Date', { exact: true }).fill(daysAgo(2));
  await page.getByLabel('Narration').fill('Electricity for last week');
  await selectByText(page.getByLabel('Line 1 account'), '5340 · Electricity');
  await page.getByLabel('Line 1 debit in rupees').fill('1200');
  await selectByText(page.getByLabel('Line 2 account'), '1110 · Cash-in-hand');
  await page.getByLabel('Line 2 credit in rupees').fill('1200');
  await page.getByRole('button', { name: 'Post journal' }).click();
  const box = page.locator('.form-error:not([hidden])');
  await box.waitFor();
  assert.match(await box.textContent(), new RegExp(`The books are locked up to ${daysAgo(1)}; nothing dated ${daysAgo(2)} can be posted`));
  await shot(page, 'books-period-locked');
  // Dated today it posts.
  await page.getByLabel('Date', { exact: true }).fill(today);
  await page.getByRole('button', { name: 'Post journal' }).click();
  await heading(page, /^Journal JV-\d+$/);
  // Lifting the lock is refused while FY 2019-20 is closed: a closed year stays locked.
  await page.goto(`${BASE}/#/books/settings`);
  await heading(page, 'Books settings');
  await page.getByRole('button', { name: 'Lift the lock' }).click();
  dlg = page.getByRole('dialog');
  await dlg.getByRole('button', { name: 'Lift the lock' }).click();
  await dlg.locator('.form-error:not([hidden])').filter({ hasText: /2019-20 is closed, so the books stay locked up to 2020-03-31/ }).waitFor();
  await dlg.getByRole('button', { name: 'Cancel' }).click();
  // Back to the closed year's end (the other test files date documents in the past).
  await page.getByLabel('Lock the books up to and including').fill('2020-03-31');
  await page.getByRole('button', { name: 'Change lock date' }).click();
  await page.getByTestId('lock-status').filter({ hasText: 'The books are locked up to' }).waitFor();
  assert.equal((await must('GET', '/api/v1/books/lock')).lock_date, '2020-03-31');
});

test('staff: no Books menu, no statement button, and the API refuses the books', async (t) => {
  if (needs(t, 'books')) return;
  const staff = await newPage();
  const l = await login(STAFF);
  await useSession(staff, l);
  const nav = staff.getByRole('navigation', { name: 'Main menu' });
  await nav.getByRole('link', { name: 'Dashboard' }).waitFor();
  for (const name of ['Journals', 'Chart of accounts', 'Reports', 'Books settings']) {
    assert.equal(await nav.getByRole('link', { name }).count(), 0, `no ${name} for staff`);
  }
  if (has.sales && state.customer) {
    await staff.goto(`${BASE}/#/customers/${state.customer.id}`);
    await heading(staff, BOOKS_CUSTOMER.name);
    assert.equal(await staff.getByRole('link', { name: 'Statement of account' }).count(), 0);
  }
  const res = await staff.evaluate(async () => {
    const s = JSON.parse(sessionStorage.getItem('bisman.session'));
    const r = await fetch('/api/v1/reports/trial-balance', { headers: { Authorization: `Bearer ${s.access_token}` } });
    return r.status;
  });
  assert.equal(res, 403);
  await staff.context().close();
});

test('accessibility: axe finds no serious WCAG 2 A/AA violations on the books pages', async (t) => {
  if (needs(t, 'books')) return;
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, bypassCSP: true });
  const p = await context.newPage();
  p.setDefaultTimeout(T);
  const axeSource = fs.readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), 'node_modules/axe-core/axe.min.js'), 'utf8');
  const audit = async (label) => {
    await p.addScriptTag({ content: axeSource });
    const result = await p.evaluate(async () => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }));
    return result.violations
      .filter((v) => process.env.UI_AXE_ALL === '1' || v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  };
  await p.goto(`${BASE}/`);
  await p.evaluate((v) => sessionStorage.setItem('bisman.session', v), await page.evaluate(() => sessionStorage.getItem('bisman.session')));
  await p.reload();
  await heading(p, 'Dashboard');
  const pages = [
    ['/accounts', 'Chart of accounts'], ['/journals', 'Journals'], ['/journals/new', 'New journal'], ['/reports', 'Reports'],
    ['/reports/trial-balance', 'Trial balance'], ['/reports/profit-and-loss', 'Profit and loss'], ['/reports/balance-sheet', 'Balance sheet'],
    ['/reports/day-book', 'Day book'], ['/reports/bank-book', 'Bank book'], ['/books/settings', 'Books settings'],
  ];
  if (state.journalUrl) pages.push([state.journalUrl.split('#')[1], /^Journal JV-/]);
  if (state.customer) pages.push([`/customers/${state.customer.id}/statement`, /^Statement of account/]);
  const problems = [];
  for (const [route, title] of pages) {
    await p.goto(`${BASE}/#${route}`);
    await heading(p, title);
    await p.waitForLoadState('networkidle');
    problems.push(...await audit(route));
  }
  await context.close();
  assert.deepEqual(problems, []);
});

test('books pages: no Content-Security-Policy violations and no script errors', async () => {
  assert.deepEqual(cspViolations, []);
  assert.deepEqual(pageErrors, []);
});
