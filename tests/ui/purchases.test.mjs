// Browser tests of the purchases UI: a vendor made through its form, a bill with an item
// line and an expense-account line whose live totals must equal hand-computed figures
// (and the server's), posting, the Bills list, a partial vendor payment with an
// Idempotency-Key, the Payables report by age, a reverse-charge bill whose grand total
// is its taxable value, Cancel and Delete-draft, what a read-only user and staff do not
// see, axe on the purchases pages and no CSP violations.
// Real Chromium at 1366×768 against the real binary; run through scripts/ui-test.sh.
//
// This file runs after books.test.mjs (which leaves the books locked up to 2020-03-31)
// and before tax.test.mjs and ui.test.mjs; it uses its own branch, item and vendors.
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
const USER = ACCOUNTS; // admin + accountant: every purchases.* permission and reports.payables:read
const SHOTS = process.env.UI_SHOTS || path.resolve('target/ui-screenshots');
const T = 15000;

const withCheck = (first14) => `${first14}${gstinCheckChar(first14)}`;
// Gujarat branch (GSTIN with the company PAN) and a regular vendor in the same state.
const PUR_BRANCH = { code: 'AMD01', name: 'Ahmedabad Stores', state_code: '24', address: '9 Ashram Road, Ahmedabad 380009', gstin: withCheck(`24${COMPANY.pan}1Z`) };
const PUR_ITEM = { sku: 'PKG-BOX', name: 'Corrugated boxes', hsn_sac: '4819', unit: 'NOS', unit_price_paise: 45000, gst_rate_bp: 1800 };
const VENDOR = { name: 'Sabarmati Packaging', gstin: withCheck('24AABCS7777K1Z'), email: 'accounts@sabarmati.test', address: '21 Naroda GIDC, Ahmedabad 382330' };
const OVERSEAS = { name: 'Cloudnine Software Pte Ltd', registration: 'overseas', state_code: '96', billing_address: '1 Raffles Place, Singapore 048616' };
// A composition dealer in another state (a bill of supply, no GST).
const COMPOSITION = { name: 'Mahalaxmi Printers', registration: 'composition', gstin: withCheck('27AABCM4321L1Z'), state_code: '27', billing_address: '5 Dadar East, Mumbai 400014' };
// A user with the built-in auditor role: every :read permission, no writes.
const VIEWER = { email: 'purchases.viewer@acme.test', password: 'Banyan-Shade#2026', name: 'Vimal Viewer' };

// Hand-computed (intra-state, CGST 9% + SGST 9%):
//   line 1, item: 2.5 × ₹320.00 = ₹800.00 taxable, CGST = SGST = ₹72.00, credit eligible;
//   line 2, Office Expenses: 1 × ₹250.00 − ₹50.00 = ₹200.00, CGST = SGST = ₹18.00, credit blocked (s. 17(5)).
//   Taxable ₹1,000.00, CGST ₹90.00, SGST ₹90.00, ₹1,180.00 (no round off); input tax credit ₹72.00 + ₹72.00.
const BILL_NO = 'SP/26/0142';
const EXPECTED = { taxable: '₹1,000.00', cgst: '₹90.00', sgst: '₹90.00', round_off: '₹0.00', grand: '₹1,180.00', itc: '₹144.00' };
// Paid ₹500.00 → ₹680.00 still owed.
const PAID = '₹500.00';
const BALANCE = '₹680.00';
// An older bill of the same vendor (1 × ₹100.00 + 18% = ₹118.00), due 45 days ago: 31–60 days.
const OLD_BILL_NO = 'SP/26/0099';
// Reverse charge, overseas: 1 × ₹5,000.00, IGST 18% = ₹900.00 paid by us; the vendor is owed ₹5,000.00.
const RCM_BILL_NO = 'CN-INV-7781';

let browser;
let page;
const cspViolations = [];
const pageErrors = [];
const state = {};
const has = {};

const iso = (d) => d.toISOString().slice(0, 10);
const today = iso(new Date());
const daysFrom = (n) => iso(new Date(Date.now() + n * 86400000));

async function newPage(viewport = { width: 1366, height: 768 }) {
  const context = await browser.newContext({ viewport });
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

// Exact for text: "Bill X" must not match the draft's "Draft bill X".
async function heading(p, text) {
  await p.getByRole('heading', { level: 1, name: text, exact: typeof text === 'string' }).waitFor();
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

// A branch and an item (through the API: the pages under test are the purchases ones),
// the overseas vendor, and the company profile when no other file has filled it.
async function seed() {
  const co = await must('GET', '/api/v1/company');
  if (!co.legal_name || !co.pan) {
    await must('PUT', '/api/v1/company', {
      legal_name: co.legal_name || COMPANY.legal_name, trade_name: co.trade_name || '', pan: COMPANY.pan,
      registered_address: co.registered_address || COMPANY.registered_address, bank: co.bank || null,
      upi_id: co.upi_id || null, invoice_terms: co.invoice_terms || '', e_invoicing: !!co.e_invoicing,
    });
  }
  state.branch = await must('POST', '/api/v1/branches', PUR_BRANCH);
  state.item = await must('POST', '/api/v1/items', PUR_ITEM);
  state.overseas = await must('POST', '/api/v1/vendors', OVERSEAS);
  const accounts = (await must('GET', '/api/v1/accounts?limit=200')).items;
  state.account = (code) => accounts.find((a) => a.code === code).id;
}

function needs(t, ...parts) {
  const missing = parts.filter((p) => !has[p]);
  if (missing.length) { t.skip(`API not merged yet: ${missing.join(', ')}`); return true; }
  return false;
}

const total = (k) => page.locator(`[data-total="${k}"]`).textContent();

before(async () => {
  state.login = await login(USER);
  has.purchases = (await call('GET', '/api/v1/vendors')).status === 200 && (await call('GET', '/api/v1/bills')).status === 200;
  has.payables = (await call('GET', '/api/v1/reports/payables')).status === 200;
  has.books = (await call('GET', '/api/v1/accounts')).status === 200;
  if (has.purchases && has.books) await seed();
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

test('vendors: a regular vendor through the form (inline GSTIN check, state from the GSTIN, overseas hides the GSTIN), then edited', async (t) => {
  if (needs(t, 'purchases', 'books')) return;
  const nav = page.getByRole('navigation', { name: 'Main menu' });
  await nav.getByRole('link', { name: 'Vendors' }).click();
  await heading(page, 'Vendors');
  await page.getByRole('button', { name: 'New vendor' }).click();
  const dlg = page.getByRole('dialog');
  await dlg.getByLabel('Name', { exact: true }).fill(VENDOR.name);
  assert.equal(await dlg.getByLabel('GST registration').inputValue(), 'regular', 'a new vendor is regular until chosen otherwise');
  // A wrong check character is caught on the field.
  const wrong = `${VENDOR.gstin.slice(0, 14)}${VENDOR.gstin[14] === 'A' ? 'B' : 'A'}`;
  await dlg.getByLabel('GSTIN', { exact: true }).fill(wrong);
  await dlg.getByLabel('Email', { exact: true }).click();
  await dlg.getByText('GSTIN has an incorrect check character').waitFor();
  assert.equal(await dlg.getByLabel('GSTIN', { exact: true }).getAttribute('aria-invalid'), 'true');
  await dlg.getByLabel('GSTIN', { exact: true }).fill(VENDOR.gstin);
  assert.equal(await dlg.getByLabel('GST state').inputValue(), '24', 'the state follows the GSTIN');
  // Overseas: no GSTIN, state 96; back to regular, the GSTIN is asked for again.
  await dlg.getByLabel('GST registration').selectOption('overseas');
  assert.equal(await dlg.getByLabel('GSTIN', { exact: true }).isVisible(), false);
  assert.equal(await dlg.getByLabel('GST state').inputValue(), '96');
  await dlg.getByLabel('GST registration').selectOption('regular');
  await dlg.getByRole('button', { name: 'Create vendor' }).click();
  await dlg.getByText('a regular vendor needs a GSTIN').waitFor();
  await dlg.getByLabel('GSTIN', { exact: true }).fill(VENDOR.gstin);
  await dlg.getByLabel('Email', { exact: true }).fill(VENDOR.email);
  await dlg.getByLabel('Address').fill(VENDOR.address);
  await shot(page, 'purchases-vendor-form');
  await dlg.getByRole('button', { name: 'Create vendor' }).click();
  await page.getByRole('link', { name: VENDOR.name, exact: true }).waitFor();
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: VENDOR.name, exact: true }) });
  assert.match(await row.textContent(), new RegExp(`${VENDOR.gstin}.*Regular \\(GST registered\\).*24 · Gujarat`));
  const list = await must('GET', `/api/v1/vendors?gstin=${VENDOR.gstin}`);
  assert.equal(list.items.length, 1);
  state.vendor = list.items[0];
  assert.equal(state.vendor.registration, 'regular');
  assert.equal(state.vendor.state_code, '24');
  // The overseas vendor (made through the API) shows as such.
  const overseasRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: OVERSEAS.name, exact: true }) });
  assert.match(await overseasRow.textContent(), /Overseas.*Overseas \(outside India\).*96 · Other Countries/);
  // Edit (If-Match with the vendor's version).
  await page.getByRole('button', { name: `Edit ${VENDOR.name}` }).click();
  await dlg.getByLabel('Phone').fill('+91 79 2220 1234');
  await dlg.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText(`Vendor updated: ${VENDOR.name}`).first().waitFor();
  const saved = await must('GET', `/api/v1/vendors/${state.vendor.id}`);
  assert.equal(saved.phone, '+917922201234', 'kept without spaces, as customers\' phones are');
  assert.equal(saved.version, 2);
  await shot(page, 'purchases-vendors');
  await page.getByRole('link', { name: VENDOR.name, exact: true }).click();
  await heading(page, VENDOR.name);
  await page.getByText(VENDOR.gstin).waitFor();
  await page.getByText('No bills yet.').waitFor();
});

test('new bill: an item line and an account line, live totals equal the hand-computed figures, and the server agrees', async (t) => {
  if (needs(t, 'purchases', 'books') || !state.vendor) return;
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Bills' }).click();
  await heading(page, 'Bills');
  await page.getByRole('link', { name: 'New bill' }).click();
  await heading(page, 'New bill');
  await page.getByText('Choose a vendor and a branch to see how GST applies.').waitFor();
  await selectByText(page.getByLabel('Vendor', { exact: true }), VENDOR.name);
  await selectByText(page.getByLabel('Branch (receiving)'), PUR_BRANCH.code);
  await page.getByText('Intra-state purchase: CGST + SGST').waitFor();
  await page.getByLabel('Supplier invoice number').fill(BILL_NO);
  // Line 1: an item, its rate (18%) comes with it.
  await selectByText(page.getByLabel('Line 1 item'), PUR_ITEM.sku);
  assert.equal(await page.getByLabel('Line 1 GST rate').inputValue(), '1800');
  await page.getByLabel('Line 1 quantity').fill('2.5');
  await page.getByLabel('Line 1 unit price').fill('320');
  assert.equal(await total('taxable'), '₹800.00');
  assert.equal(await total('cgst'), '₹72.00');
  assert.equal(await total('grand'), '₹944.00');
  // Line 2: an expense account, credit blocked.
  await page.getByRole('button', { name: '+ Add line' }).click();
  await page.getByLabel('Line 2 type').selectOption('account');
  await selectByText(page.getByLabel('Line 2 account'), '5350 · Office Expenses');
  await page.getByLabel('Line 2 description').fill('Working lunch with the packaging supplier');
  await page.getByLabel('Line 2 unit price').fill('250');
  await page.getByLabel('Line 2 discount').fill('50');
  await page.getByLabel('Line 2 input tax credit').selectOption('blocked');
  assert.equal(await total('taxable'), EXPECTED.taxable);
  assert.equal(await total('cgst'), EXPECTED.cgst);
  assert.equal(await total('sgst'), EXPECTED.sgst);
  assert.equal(await total('round_off'), EXPECTED.round_off);
  assert.equal(await total('grand'), EXPECTED.grand);
  assert.equal(await total('itc'), EXPECTED.itc);
  assert.equal(await page.locator('[data-total="igst"]').count(), 0, 'no IGST within the state');
  const line2 = page.locator('tr.line').nth(1);
  assert.match(await line2.textContent(), /₹200\.00.*₹36\.00.*₹236\.00/);
  assert.equal(await page.getByTestId('live-totals').locator('.words').textContent(), 'Rupees One Thousand One Hundred Eighty Only');
  // A third line, removed again; the totals stay.
  await page.getByRole('button', { name: '+ Add line' }).click();
  await page.getByRole('button', { name: 'Remove line 3' }).click();
  assert.equal(await total('grand'), EXPECTED.grand);
  await shot(page, 'purchases-bill-form', { fullPage: true });
  await page.getByRole('button', { name: 'Create draft bill' }).click();
  await heading(page, `Draft bill ${BILL_NO}`);
  state.billUrl = page.url().replace(/\?.*$/, '');
  state.billId = state.billUrl.split('/').pop();
  const bill = await must('GET', `/api/v1/bills/${state.billId}`);
  assert.equal(bill.status, 'draft');
  assert.equal(bill.taxable_total_paise, 100000);
  assert.equal(bill.cgst_total_paise, 9000);
  assert.equal(bill.sgst_total_paise, 9000);
  assert.equal(bill.igst_total_paise, 0);
  assert.equal(bill.grand_total_paise, 118000, 'the server agrees with the live totals');
  assert.deepEqual(bill.lines.map((l) => [l.itc, l.taxable_paise]), [['eligible', 80000], ['blocked', 20000]]);
  assert.equal(await page.getByTestId('grand-total').textContent(), EXPECTED.grand);
  // A draft: Edit, Post and Delete draft; nothing to pay or cancel yet.
  for (const name of ['Post', 'Delete draft']) assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, name);
  assert.equal(await page.getByRole('link', { name: 'Edit', exact: true }).count(), 1);
  for (const name of ['Cancel bill', 'Record payment']) assert.equal(await page.getByRole('button', { name }).count(), 0, name);
  assert.match(await page.getByTestId('vendor').textContent(), /current details; frozen at posting/);
});

test('post the bill: frozen vendor, credit claimed, listed as posted in Bills', async (t) => {
  if (needs(t, 'purchases') || !state.billId) return;
  await page.goto(state.billUrl);
  await heading(page, `Draft bill ${BILL_NO}`);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  const dlg = page.getByRole('dialog');
  await dlg.getByRole('button', { name: 'Post bill' }).click();
  await heading(page, `Bill ${BILL_NO}`);
  assert.equal(await page.getByTestId('bill-status').textContent(), 'posted');
  assert.match(await page.getByTestId('vendor').textContent(), /\(as posted\).*Sabarmati Packaging/);
  assert.equal(await page.getByTestId('balance').textContent(), EXPECTED.grand);
  assert.equal(await page.getByTestId('bill-itc').textContent(), EXPECTED.itc);
  for (const name of ['Post', 'Delete draft']) assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, name);
  assert.equal(await page.getByRole('link', { name: 'Edit', exact: true }).count(), 0);
  for (const name of ['Cancel bill', 'Record payment']) assert.equal(await page.getByRole('button', { name }).count(), 1, name);
  const bill = await must('GET', `/api/v1/bills/${state.billId}`);
  assert.equal(bill.status, 'posted');
  assert.equal(bill.vendor.gstin, VENDOR.gstin);
  assert.deepEqual([bill.itc_cgst_paise, bill.itc_sgst_paise, bill.itc_igst_paise], [7200, 7200, 0], 'no credit on the blocked line');
  assert.equal(bill.balance_due_paise, 118000);
  await shot(page, 'purchases-bill', { fullPage: true });
  // Its journal: the blocked credit is part of the expense; the vendor is credited.
  await page.getByRole('link', { name: 'Open the journal' }).click();
  await heading(page, /^Journal JV-\d+$/);
  assert.equal(await page.getByTestId('journal-source').textContent(), 'Bill');
  assert.equal(await page.getByTestId('journal-debit-total').textContent(), EXPECTED.grand);
  const jrow = (name) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
  assert.match(await jrow('5110 · Purchases').textContent(), /₹800\.00/);
  assert.match(await jrow('5350 · Office Expenses').textContent(), /₹236\.00/);
  assert.match(await jrow('2124 · Input CGST').textContent(), /₹72\.00/);
  assert.match(await jrow('2125 · Input SGST').textContent(), /₹72\.00/);
  assert.match(await jrow('2110 · Sundry Creditors').textContent(), new RegExp(`${VENDOR.name}.*₹1,180\\.00`));
  await page.getByTestId('journal-source').getByRole('link', { name: 'Bill' }).click();
  await heading(page, `Bill ${BILL_NO}`);
  // The Bills list: under "posted", not under "draft".
  await page.goto(`${BASE}/#/bills`);
  await heading(page, 'Bills');
  const list = page.getByRole('table', { name: 'Bills' });
  await page.getByLabel('Status').selectOption('posted');
  await page.getByRole('button', { name: 'Apply' }).click();
  const row = list.getByRole('row').filter({ has: page.getByRole('link', { name: BILL_NO, exact: true }) });
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(`${VENDOR.name}.*posted.*₹1,180\\.00.*₹1,180\\.00`));
  await page.getByLabel('Status').selectOption('draft');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('No bills match.').or(list.getByRole('row').nth(1)).first().waitFor();
  assert.equal(await page.getByRole('link', { name: BILL_NO, exact: true }).count(), 0);
  await shot(page, 'purchases-bills');
});

test('vendor payment: part of the bill with an Idempotency-Key; the balance on the bill and in Payables by age', async (t) => {
  if (needs(t, 'purchases', 'payables') || !state.billId) return;
  // An older bill of the same vendor, due 45 days ago.
  const old = await must('POST', '/api/v1/bills', {
    vendor_id: state.vendor.id, branch_id: state.branch.id, supplier_invoice_no: OLD_BILL_NO,
    supplier_invoice_date: daysFrom(-75), posting_date: daysFrom(-75), due_date: daysFrom(-45),
    lines: [{ item_id: state.item.id, quantity: 1, unit_price_paise: 10000 }],
  });
  assert.equal((await must('POST', `/api/v1/bills/${old.id}/post`)).grand_total_paise, 11800);
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Vendor payments' }).click();
  await heading(page, 'Vendor payments');
  await page.getByRole('button', { name: 'Record payment' }).click();
  const dlg = page.getByRole('dialog');
  await selectByText(dlg.getByLabel('Bill', { exact: true }), BILL_NO);
  assert.equal(await dlg.getByLabel('Amount (₹)').inputValue(), '1180.00', 'the balance is offered');
  await dlg.getByText(`Balance due ${EXPECTED.grand}`).waitFor();
  // More than the balance is refused on the field.
  await dlg.getByLabel('Amount (₹)').fill('1180.01');
  await dlg.getByRole('button', { name: 'Record payment' }).click();
  await dlg.getByText(`cannot exceed the balance due of ${EXPECTED.grand}`).waitFor();
  await dlg.getByLabel('Amount (₹)').fill('500');
  await dlg.getByLabel('Method', { exact: true }).selectOption('bank_transfer');
  await dlg.getByLabel('Reference', { exact: true }).fill('UTR-PUR-0001');
  const [req] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/vendor-payments')),
    dlg.getByRole('button', { name: 'Record payment' }).click(),
  ]);
  assert.match(req.headers()['idempotency-key'] || '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(JSON.parse(req.postData()), { bill_id: state.billId, amount_paise: 50000, method: 'bank_transfer', reference: 'UTR-PUR-0001', paid_on: today });
  const row = page.getByRole('row').filter({ hasText: 'UTR-PUR-0001' });
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(`${VENDOR.name}.*${BILL_NO.replace(/\//g, '\\/')}.*Bank transfer.*UTR-PUR-0001.*₹500\\.00`));
  await shot(page, 'purchases-payments');
  // The bill: partially paid, the balance, no Cancel any more.
  await row.getByRole('link', { name: BILL_NO }).click();
  await heading(page, `Bill ${BILL_NO}`);
  assert.equal(await page.getByTestId('bill-status').textContent(), 'partially paid');
  assert.equal(await page.getByTestId('balance').textContent(), BALANCE);
  assert.equal(await page.getByRole('button', { name: 'Cancel bill' }).count(), 0, 'a bill with a payment cannot be cancelled');
  await page.getByRole('table', { name: 'Payments of this bill' }).getByRole('cell', { name: PAID }).waitFor();
  // Payables: ₹680.00 not yet due (0–30 days) and the old ₹118.00 in 31–60 days.
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Payables' }).click();
  await heading(page, 'Payables');
  const vrow = page.locator(`tr[data-vendor="${state.vendor.id}"]`);
  await vrow.waitFor();
  assert.equal(await vrow.getByRole('link').textContent(), VENDOR.name);
  const cell = (k) => vrow.locator(`[data-bucket="${k}"]`).textContent();
  assert.equal(await cell('0_30'), BALANCE);
  assert.equal(await cell('31_60'), '₹118.00');
  assert.equal(await cell('61_90'), '₹0.00');
  assert.equal(await cell('over_90'), '₹0.00');
  assert.equal(await cell('outstanding'), '₹798.00');
  assert.match(await vrow.textContent(), new RegExp(`${VENDOR.gstin}2`), 'GSTIN and two bills');
  await page.getByRole('img', { name: 'Payables by aging bucket' }).waitFor();
  const report = await must('GET', '/api/v1/reports/payables');
  assert.equal(await page.getByTestId('payables-total').textContent(), fmtPaise(report.totals.outstanding_paise));
  const mine = report.vendors.find((v) => v.vendor_id === state.vendor.id);
  assert.equal(mine.outstanding_paise, 79800);
  await shot(page, 'purchases-payables', { fullPage: true });
});

test('reverse charge: an overseas vendor\'s bill owes the taxable value only, with the IGST shown and credited', async (t) => {
  if (needs(t, 'purchases', 'books')) return;
  await page.goto(`${BASE}/#/bills/new`);
  await heading(page, 'New bill');
  await selectByText(page.getByLabel('Vendor', { exact: true }), OVERSEAS.name);
  await selectByText(page.getByLabel('Branch (receiving)'), PUR_BRANCH.code);
  await page.getByText('Import from outside India: IGST').waitFor();
  await page.getByLabel('Supplier invoice number').fill(RCM_BILL_NO);
  await page.getByLabel('Line 1 type').selectOption('account');
  await selectByText(page.getByLabel('Line 1 account'), '5350 · Office Expenses');
  await page.getByLabel('Line 1 description').fill('Cloud software subscription, one year');
  await page.getByLabel('Line 1 HSN/SAC').fill('997331');
  await page.getByLabel('Line 1 unit price').fill('5,000');
  assert.equal(await page.getByLabel('Line 1 GST rate').inputValue(), '1800');
  // Without reverse charge the vendor would be owed the tax too…
  assert.equal(await total('taxable'), '₹5,000.00');
  assert.equal(await total('igst'), '₹900.00');
  assert.equal(await total('grand'), '₹5,900.00');
  assert.equal(await page.locator('[data-total="cgst"]').count(), 0, 'IGST only');
  // …on reverse charge the tax is ours to pay: the grand total is the taxable value.
  await page.getByLabel('Reverse charge').check();
  await page.getByText('IGST, paid by us on reverse charge').waitFor();
  assert.equal(await total('igst'), '₹900.00');
  assert.equal(await total('grand'), '₹5,000.00');
  assert.equal(await total('grand'), await total('taxable'));
  assert.equal(await total('itc'), '₹900.00');
  await page.getByText('Grand total (owed to the vendor)').waitFor();
  await shot(page, 'purchases-bill-rcm-form', { fullPage: true });
  await page.getByRole('button', { name: 'Create draft bill' }).click();
  await heading(page, `Draft bill ${RCM_BILL_NO}`);
  const id = page.url().replace(/\?.*$/, '').split('/').pop();
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Post bill' }).click();
  await heading(page, `Bill ${RCM_BILL_NO}`);
  assert.equal(await page.getByTestId('bill-rcm').textContent(), 'Yes — the GST is paid by us');
  assert.equal(await page.getByTestId('bill-igst').textContent(), '₹900.00');
  assert.equal(await page.getByTestId('grand-total').textContent(), '₹5,000.00');
  assert.equal(await page.getByTestId('grand-total').textContent(), await page.getByTestId('bill-taxable').textContent());
  assert.equal(await page.getByTestId('balance').textContent(), '₹5,000.00');
  const bill = await must('GET', `/api/v1/bills/${id}`);
  assert.equal(bill.status, 'posted');
  assert.equal(bill.reverse_charge, true);
  assert.equal(bill.intra_state, false);
  assert.equal(bill.igst_total_paise, 90000);
  assert.equal(bill.grand_total_paise, bill.taxable_total_paise, 'the vendor is owed the taxable value');
  assert.equal(bill.grand_total_paise, 500000);
  assert.equal(bill.itc_igst_paise, 90000);
  await shot(page, 'purchases-bill-rcm', { fullPage: true });
});

test('composition dealer: no GST on the bill (rates fixed at 0%) unless it is on reverse charge', async (t) => {
  if (needs(t, 'purchases')) return;
  const dealer = await must('POST', '/api/v1/vendors', COMPOSITION);
  await page.goto(`${BASE}/#/bills/new`);
  await heading(page, 'New bill');
  await selectByText(page.getByLabel('Vendor', { exact: true }), COMPOSITION.name);
  await selectByText(page.getByLabel('Branch (receiving)'), PUR_BRANCH.code);
  await page.getByText('A composition dealer\'s bill of supply carries no GST').waitFor();
  await page.getByLabel('Supplier invoice number').fill('MP-311');
  await selectByText(page.getByLabel('Line 1 item'), PUR_ITEM.sku);
  await page.getByLabel('Line 1 quantity').fill('10');
  await page.getByLabel('Line 1 unit price').fill('45');
  const rate = page.getByLabel('Line 1 GST rate');
  assert.equal(await rate.inputValue(), '0');
  assert.equal(await rate.isDisabled(), true, 'the rate cannot be chosen');
  assert.equal(await total('igst'), '₹0.00');
  assert.equal(await total('grand'), '₹450.00');
  // On reverse charge the item's rate comes back and the tax is ours: still ₹450.00 owed.
  await page.getByLabel('Reverse charge').check();
  assert.equal(await rate.inputValue(), '1800');
  assert.equal(await total('igst'), '₹81.00');
  assert.equal(await total('grand'), '₹450.00');
  await page.getByLabel('Reverse charge').uncheck();
  assert.equal(await rate.inputValue(), '0');
  await page.getByRole('button', { name: 'Create draft bill' }).click();
  await heading(page, 'Draft bill MP-311');
  const id = page.url().replace(/\?.*$/, '').split('/').pop();
  const bill = await must('GET', `/api/v1/bills/${id}`);
  assert.equal(bill.vendor_id, dealer.id);
  assert.deepEqual([bill.lines[0].gst_rate_bp, bill.igst_total_paise, bill.grand_total_paise], [0, 0, 45000]);
  assert.equal(await page.getByTestId('grand-total').textContent(), '₹450.00');
  // Left as a draft: nothing owed.
});

test('delete a draft bill; cancel a posted, unpaid bill with a reason', async (t) => {
  if (needs(t, 'purchases') || !state.vendor) return;
  const body = (no) => ({
    vendor_id: state.vendor.id, branch_id: state.branch.id, supplier_invoice_no: no,
    supplier_invoice_date: today, due_date: daysFrom(15), lines: [{ item_id: state.item.id, quantity: 2, unit_price_paise: 5000 }],
  });
  const draft = await must('POST', '/api/v1/bills', body('SP/26/0150'));
  await page.goto(`${BASE}/#/bills/${draft.id}`);
  await heading(page, 'Draft bill SP/26/0150');
  await page.getByRole('button', { name: 'Delete draft' }).click();
  const dlg = page.getByRole('dialog');
  await dlg.getByRole('button', { name: 'Delete' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel', 'Cancel has the initial focus');
  await dlg.getByRole('button', { name: 'Delete' }).click();
  await heading(page, 'Bills');
  assert.equal((await call('GET', `/api/v1/bills/${draft.id}`)).status, 404);
  const posted = await must('POST', '/api/v1/bills', body('SP/26/0151'));
  await must('POST', `/api/v1/bills/${posted.id}/post`);
  await page.goto(`${BASE}/#/bills/${posted.id}`);
  await heading(page, 'Bill SP/26/0151');
  await page.getByRole('button', { name: 'Cancel bill' }).click();
  await dlg.getByLabel('Reason for cancelling').fill('Goods returned before use; supplier issued a fresh invoice');
  await dlg.getByRole('button', { name: 'Cancel bill' }).click();
  await page.getByTestId('bill-status').filter({ hasText: 'cancelled' }).waitFor();
  await page.getByText('Goods returned before use; supplier issued a fresh invoice').waitFor();
  for (const name of ['Cancel bill', 'Record payment', 'Post']) assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, name);
  assert.equal((await must('GET', `/api/v1/bills/${posted.id}`)).status, 'cancelled');
});

test('a read-only user (auditor) sees the bills but none of the actions', async (t) => {
  if (needs(t, 'purchases') || !state.billId) return;
  await must('POST', '/api/v1/users', { ...VIEWER, roles: ['auditor'] });
  const viewer = await newPage();
  const l = await login(VIEWER);
  await useSession(viewer, l);
  const nav = viewer.getByRole('navigation', { name: 'Main menu' });
  for (const name of ['Bills', 'Vendor payments', 'Vendors', 'Payables']) await nav.getByRole('link', { name, exact: true }).waitFor();
  await viewer.goto(`${BASE}/#/bills/${state.billId}`);
  await heading(viewer, `Bill ${BILL_NO}`);
  await viewer.getByTestId('balance').filter({ hasText: BALANCE }).waitFor();
  for (const name of ['Post', 'Delete draft', 'Cancel bill', 'Record payment']) assert.equal(await viewer.getByRole('button', { name, exact: true }).count(), 0, name);
  await viewer.goto(`${BASE}/#/bills`);
  await heading(viewer, 'Bills');
  assert.equal(await viewer.getByRole('link', { name: 'New bill' }).count(), 0);
  await viewer.goto(`${BASE}/#/vendors`);
  await heading(viewer, 'Vendors');
  await viewer.getByRole('link', { name: VENDOR.name, exact: true }).waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'New vendor' }).count(), 0);
  assert.equal(await viewer.getByRole('button', { name: `Edit ${VENDOR.name}` }).count(), 0);
  await viewer.goto(`${BASE}/#/vendor-payments`);
  await heading(viewer, 'Vendor payments');
  await viewer.getByRole('row').filter({ hasText: 'UTR-PUR-0001' }).waitFor();
  assert.equal(await viewer.getByRole('button', { name: 'Record payment' }).count(), 0);
  const res = await viewer.evaluate(async (id) => {
    const s = JSON.parse(sessionStorage.getItem('bisman.session'));
    const r = await fetch(`/api/v1/bills/${id}/cancel`, { method: 'POST', headers: { Authorization: `Bearer ${s.access_token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'not mine to cancel' }) });
    return r.status;
  }, state.billId);
  assert.equal(res, 403);
  await viewer.context().close();
});

test('staff: no purchases menu entries, and the API refuses the bills', async (t) => {
  if (needs(t, 'purchases')) return;
  const staff = await newPage();
  const l = await login(STAFF);
  await useSession(staff, l);
  const nav = staff.getByRole('navigation', { name: 'Main menu' });
  await nav.getByRole('link', { name: 'Dashboard' }).waitFor();
  await nav.getByRole('link', { name: 'Invoices' }).waitFor();
  for (const name of ['Bills', 'Vendor payments', 'Vendors', 'Payables']) {
    assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 0, `no ${name} for staff`);
  }
  // Typing the address shows the API's refusal, not an empty list.
  await staff.goto(`${BASE}/#/bills`);
  await heading(staff, 'Bills');
  await staff.getByRole('alert').filter({ hasText: /forbidden|permission/i }).first().waitFor();
  assert.equal(await staff.getByRole('link', { name: 'New bill' }).count(), 0);
  const res = await staff.evaluate(async () => {
    const s = JSON.parse(sessionStorage.getItem('bisman.session'));
    const get = async (u) => (await fetch(u, { headers: { Authorization: `Bearer ${s.access_token}` } })).status;
    return [await get('/api/v1/bills'), await get('/api/v1/vendors'), await get('/api/v1/reports/payables')];
  });
  assert.deepEqual(res, [403, 403, 403]);
  await staff.context().close();
});

test('accessibility: axe finds no serious WCAG 2 A/AA violations on the purchases pages', async (t) => {
  if (needs(t, 'purchases')) return;
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
  const pages = [['/vendors', 'Vendors'], ['/bills', 'Bills'], ['/bills/new', 'New bill'], ['/vendor-payments', 'Vendor payments'], ['/payables', 'Payables']];
  if (state.vendor) pages.push([`/vendors/${state.vendor.id}`, VENDOR.name]);
  if (state.billId) pages.push([`/bills/${state.billId}`, `Bill ${BILL_NO}`]);
  const problems = [];
  for (const [route, title] of pages) {
    await p.goto(`${BASE}/#${route}`);
    await heading(p, title);
    await p.waitForLoadState('networkidle');
    problems.push(...await audit(route));
  }
  // The forms in their dialogs, and a bill form with two lines filled in.
  await p.goto(`${BASE}/#/vendors`);
  await heading(p, 'Vendors');
  await p.getByRole('button', { name: 'New vendor' }).click();
  await p.getByRole('dialog').waitFor();
  problems.push(...await audit('new vendor dialog'));
  await p.goto(`${BASE}/#/vendor-payments`);
  await heading(p, 'Vendor payments');
  await p.getByRole('button', { name: 'Record payment' }).click();
  await p.getByRole('dialog').getByLabel('Bill', { exact: true }).waitFor();
  problems.push(...await audit('vendor payment dialog'));
  await p.goto(`${BASE}/#/bills/new`);
  await heading(p, 'New bill');
  await p.getByRole('button', { name: '+ Add line' }).click();
  await p.getByLabel('Line 2 type').selectOption('account');
  await p.getByRole('button', { name: 'Create draft bill' }).click();
  await p.locator('[aria-invalid="true"]').first().waitFor();
  problems.push(...await audit('bill form with errors'));
  await context.close();
  assert.deepEqual(problems, []);
});

test('purchases pages: no Content-Security-Policy violations and no script errors', async () => {
  assert.deepEqual(cspViolations, []);
  assert.deepEqual(pageErrors, []);
});
