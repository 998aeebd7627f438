// Browser tests of small daily-use fixes: readable top-bar buttons on hover, the phone's
// "Menu" label after a tap, Cancel focused in irreversible confirmations, revealed
// identity numbers hidden again, today's payments naming the invoice and customer, users'
// branches by code, and a branch-limited user's dashboard saying so.
// Real Chromium against the real binary; run through scripts/ui-test.sh.
//
// It runs last (alphabetical order) and uses its own user (UX, made by setup.mjs), branch,
// customer, item, vendor and employee, made through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { UX, LIMITED, COMPANY } from './setup-data.mjs';
import { gstinCheckChar, verhoeffValid } from '../../ui/js/validate.js';

const BASE = process.env.UI_BASE_URL;
const TENANT = process.env.UI_TENANT;
const SHOTS = process.env.UI_SHOTS || path.resolve('target/ui-screenshots');
const T = 15000;

const withCheck = (first14) => `${first14}${gstinCheckChar(first14)}`;
const BRANCH = { code: 'SUR01', name: 'Surat Counter', state_code: '24', address: '9 Ring Road, Surat 395002', gstin: withCheck(`24${COMPANY.pan}1Z`) };
const CUSTOMER = { name: 'Tapi Fabrics', registration: 'unregistered', state_code: '24', billing_address: '21 Textile Market, Surat 395002' };
const ITEM = { sku: 'UX-SVC', name: 'Stitching service', hsn_sac: '998821', unit: 'NOS', unit_price_paise: 50000, gst_rate_bp: 1800 };
const VENDOR = { name: 'Sabarmati Supplies', registration: 'regular', gstin: withCheck('24AABCS4321K1Z'), state_code: '24', billing_address: '3 Ashram Road, Ahmedabad 380009' };
const PAN = 'BCDPU5678K';
// A valid Aadhaar (Verhoeff) that no other test uses.
const AADHAAR = (() => {
  for (let d = 0; d < 10; d += 1) if (verhoeffValid(`39871234560${d}`)) return `39871234560${d}`;
  throw new Error('no Verhoeff digit');
})();

let browser;
const cspViolations = [];
const pageErrors = [];
const state = {};
const has = {};

const iso = (d) => d.toISOString().slice(0, 10);
const today = iso(new Date());
const inDays = (n) => iso(new Date(Date.now() + n * 86400000));

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, ...options });
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

async function shot(p, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function heading(p, text) {
  await p.getByRole('heading', { level: 1, name: text }).waitFor();
}

async function login(who) {
  const res = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ tenant: TENANT, email: who.email, password: who.password }) });
  if (!res.ok) throw new Error(`sign-in as ${who.email}: ${res.status} ${await res.text()}`);
  return res.json();
}

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
  await p.goto(`${BASE}/`);
  await p.evaluate(([data, tenant]) => {
    sessionStorage.setItem('bisman.session', JSON.stringify({
      scope: 'tenant', tenant, user: data.user, access_token: data.access_token, refresh_token: data.refresh_token,
      expires_at: Date.now() + (Number(data.expires_in) || 900) * 1000,
    }));
  }, [l, TENANT]);
  await p.reload();
  await heading(p, 'Dashboard');
}

function needs(t, ...parts) {
  const missing = parts.filter((p) => !has[p]);
  if (missing.length) { t.skip(`API not merged yet: ${missing.join(', ')}`); return true; }
  return false;
}

// The WCAG contrast ratio of an element's text against what is behind it (its own
// background, else the nearest ancestor's that is not transparent).
async function contrastOf(locator) {
  return locator.evaluate((el) => {
    const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const fg = parse(getComputedStyle(el).color);
    let bg = null;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0)) { bg = c; break; }
    }
    bg = bg || [255, 255, 255];
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return { ratio: (a + 0.05) / (b + 0.05), color: getComputedStyle(el).color, background: `rgb(${bg.slice(0, 3).join(', ')})` };
  });
}

async function seed() {
  const co = await must('GET', '/api/v1/company');
  if (!co.legal_name || !co.pan) {
    await must('PUT', '/api/v1/company', {
      legal_name: co.legal_name || COMPANY.legal_name, trade_name: co.trade_name || '', pan: COMPANY.pan,
      registered_address: co.registered_address || COMPANY.registered_address, bank: co.bank || null,
      upi_id: co.upi_id || null, invoice_terms: co.invoice_terms || '', e_invoicing: !!co.e_invoicing,
    });
  }
  state.branch = await must('POST', '/api/v1/branches', BRANCH);
  if (has.sales) {
    state.customer = await must('POST', '/api/v1/customers', CUSTOMER);
    state.item = await must('POST', '/api/v1/items', ITEM);
    const invoice = async (issue) => {
      const draft = await must('POST', '/api/v1/invoices', {
        branch_id: state.branch.id, customer_id: state.customer.id, invoice_date: today, due_date: inDays(30),
        lines: [{ item_id: state.item.id, quantity: 2 }],
      });
      return issue ? must('POST', `/api/v1/invoices/${draft.id}/issue`) : draft;
    };
    state.paidInvoice = await invoice(true);
    state.payment = await must('POST', '/api/v1/payments', { invoice_id: state.paidInvoice.id, amount_paise: 20000, method: 'upi', reference: 'UPI-UX-1', received_on: today }, { 'Idempotency-Key': `ux-${Date.now()}` });
    state.draftInvoice = await invoice(false);
    state.issuedInvoice = await invoice(true);
    if (has.notes) {
      const note = { invoice_id: state.paidInvoice.id, note_date: today, reason: 'post_sale_discount', lines: [{ invoice_line: 1, taxable_paise: 1000 }] };
      state.creditNote = await must('POST', '/api/v1/credit-notes', note);
      state.debitNote = await must('POST', '/api/v1/debit-notes', { ...note, reason: 'correction_in_invoice' });
    }
  }
  if (has.purchases && has.sales) {
    state.vendor = await must('POST', '/api/v1/vendors', VENDOR);
    const bill = (no) => must('POST', '/api/v1/bills', {
      vendor_id: state.vendor.id, branch_id: state.branch.id, supplier_invoice_no: no,
      supplier_invoice_date: today, posting_date: today, due_date: inDays(15),
      lines: [{ item_id: state.item.id, quantity: 1, unit_price_paise: 10000 }],
    });
    state.draftBill = await bill('SS/26/0701');
    const posted = await bill('SS/26/0702');
    state.postedBill = await must('POST', `/api/v1/bills/${posted.id}/post`);
  }
  if (has.employees) {
    state.employee = await must('POST', '/api/v1/employees', {
      employee_code: 'UX-0001', name: 'Kiran Usability', branch_id: state.branch.id, date_of_joining: '2025-04-01',
      pan: PAN, aadhaar: AADHAAR, bank_account: { account_number: '501234567890', ifsc: 'SBIN0001234', bank_name: 'State Bank of India' },
      monthly_salary_paise: 4500000,
    });
  }
  state.limitedUser = await must('POST', '/api/v1/users', { ...LIMITED, roles: ['accountant'], branch_ids: [state.branch.id] });
}

before(async () => {
  state.login = await login(UX);
  const ok = async (url) => (await call('GET', url)).status === 200;
  has.sales = (await ok('/api/v1/invoices')) && (await ok('/api/v1/payments'));
  has.notes = has.sales && (await ok('/api/v1/credit-notes')) && (await ok('/api/v1/debit-notes'));
  has.purchases = (await ok('/api/v1/vendors')) && (await ok('/api/v1/bills'));
  has.employees = await ok('/api/v1/employees');
  await seed();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  state.page = await newPage();
  await useSession(state.page, state.login);
});

after(async () => {
  if (browser) await browser.close();
});

test('top bar: buttons and the brand link stay readable on hover (contrast ≥ 4.5:1)', async () => {
  const page = state.page;
  await page.goto(`${BASE}/#/`);
  await heading(page, 'Dashboard');
  const bar = page.locator('header.topbar');
  const signOut = bar.getByRole('button', { name: 'Sign out' });
  const before = await contrastOf(signOut);
  assert.ok(before.ratio >= 4.5, `Sign out at rest: ${before.color} on ${before.background} is ${before.ratio.toFixed(2)}:1`);
  await signOut.hover();
  const hovered = await contrastOf(signOut);
  assert.ok(hovered.ratio >= 4.5, `Sign out on hover: ${hovered.color} on ${hovered.background} is ${hovered.ratio.toFixed(2)}:1`);
  assert.notEqual(hovered.background, before.background, 'hover still shows (a lighter navy)');
  const brand = bar.getByRole('link', { name: 'BISMAN ERP' });
  await brand.hover();
  const brandHovered = await contrastOf(brand);
  assert.ok(brandHovered.ratio >= 4.5, `brand link on hover: ${brandHovered.color} on ${brandHovered.background} is ${brandHovered.ratio.toFixed(2)}:1`);
  await page.mouse.move(600, 500);
});

test('phone: the "Menu" label stays readable after a tap', async () => {
  const phone = await newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await useSession(phone, state.login);
  const menu = phone.getByRole('button', { name: 'Menu' });
  const nav = phone.getByRole('navigation', { name: 'Main menu' });
  assert.equal(await nav.isVisible(), false);
  const check = async (when) => {
    assert.equal(await menu.isVisible(), true, `Menu button visible ${when}`);
    assert.equal((await menu.textContent()).trim(), 'Menu', `label ${when}`);
    const c = await contrastOf(menu);
    assert.ok(c.ratio >= 4.5, `Menu label ${when}: ${c.color} on ${c.background} is ${c.ratio.toFixed(2)}:1`);
  };
  await check('before a tap');
  await menu.tap();
  await nav.waitFor();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await check('after a tap that opens the menu');
  await shot(phone, 'phone-menu-open');
  await menu.tap();
  await nav.waitFor({ state: 'hidden' });
  await check('after a tap that closes the menu');
  await menu.tap();
  await nav.getByRole('link', { name: 'Invoices', exact: true }).tap();
  await heading(phone, 'Invoices');
  await check('after going to another page');
  await phone.context().close();
});

// Opens a confirmation with `open`, checks Cancel has the focus, presses Enter and checks
// that the dialog closed without doing anything.
async function strayEnter(page, { open, dialogName, confirmLabel }) {
  await open();
  const dlg = page.getByRole('dialog', { name: dialogName });
  await dlg.waitFor();
  await dlg.getByRole('button', { name: confirmLabel }).waitFor();
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return { text: el?.textContent?.trim(), inDialog: !!el?.closest('dialog') };
  });
  assert.deepEqual(focused, { text: 'Cancel', inDialog: true }, `${dialogName}: Cancel has the focus when the dialog opens`);
  await page.keyboard.press('Enter');
  await dlg.waitFor({ state: 'detached' });
}

test('irreversible confirmations focus Cancel, so a stray Enter does nothing', async (t) => {
  if (needs(t, 'sales')) return;
  const page = state.page;
  // Issue invoice.
  await page.goto(`${BASE}/#/invoices/${state.draftInvoice.id}`);
  await heading(page, 'Draft invoice');
  await strayEnter(page, { open: () => page.getByRole('button', { name: 'Issue', exact: true }).click(), dialogName: 'Issue invoice', confirmLabel: 'Issue invoice' });
  assert.equal((await must('GET', `/api/v1/invoices/${state.draftInvoice.id}`)).status, 'draft', 'Enter did not issue the invoice');
  await heading(page, 'Draft invoice');
  // Cancel invoice (focus on Cancel rather than on the reason).
  await page.goto(`${BASE}/#/invoices/${state.issuedInvoice.id}`);
  await heading(page, `Invoice ${state.issuedInvoice.number}`);
  await strayEnter(page, { open: () => page.getByRole('button', { name: 'Cancel invoice' }).click(), dialogName: 'Cancel invoice', confirmLabel: 'Cancel invoice' });
  assert.equal((await must('GET', `/api/v1/invoices/${state.issuedInvoice.id}`)).status, 'issued');
  if (has.notes) {
    for (const [seg, note, noun] of [['credit-notes', state.creditNote, 'credit note'], ['debit-notes', state.debitNote, 'debit note']]) {
      await page.goto(`${BASE}/#/${seg}/${note.id}`);
      await page.getByRole('button', { name: 'Issue', exact: true }).waitFor();
      await strayEnter(page, { open: () => page.getByRole('button', { name: 'Issue', exact: true }).click(), dialogName: `Issue ${noun}`, confirmLabel: `Issue ${noun}` });
      assert.equal((await must('GET', `/api/v1/${seg}/${note.id}`)).status, 'draft', `Enter did not issue the ${noun}`);
    }
  }
  if (has.purchases) {
    await page.goto(`${BASE}/#/bills/${state.draftBill.id}`);
    await page.getByRole('button', { name: 'Post', exact: true }).waitFor();
    await strayEnter(page, { open: () => page.getByRole('button', { name: 'Post', exact: true }).click(), dialogName: 'Post bill', confirmLabel: 'Post bill' });
    assert.equal((await must('GET', `/api/v1/bills/${state.draftBill.id}`)).status, 'draft', 'Enter did not post the bill');
    await page.goto(`${BASE}/#/bills/${state.postedBill.id}`);
    await page.getByRole('button', { name: 'Cancel bill' }).waitFor();
    await strayEnter(page, { open: () => page.getByRole('button', { name: 'Cancel bill' }).click(), dialogName: 'Cancel bill', confirmLabel: 'Cancel bill' });
    assert.equal((await must('GET', `/api/v1/bills/${state.postedBill.id}`)).status, 'posted');
  }
  // The deliberate way still works: Issue invoice by its button.
  await page.goto(`${BASE}/#/invoices/${state.draftInvoice.id}`);
  await heading(page, 'Draft invoice');
  await page.getByRole('button', { name: 'Issue', exact: true }).click();
  await page.getByRole('dialog', { name: 'Issue invoice' }).getByRole('button', { name: 'Issue invoice' }).click();
  await heading(page, /^Invoice SUR0\//);
});

test('revealed identity numbers are hidden again after the delay (30 s; shortened here)', async (t) => {
  if (needs(t, 'employees')) return;
  const page = state.page;
  await page.goto(`${BASE}/#/employees/${state.employee.id}`);
  await heading(page, 'Kiran Usability');
  const pan = page.locator('[data-sensitive="pan"]');
  const masked = await pan.textContent();
  assert.notEqual(masked, PAN);
  const reveal = page.getByRole('button', { name: 'Reveal' });
  // The default is 30 s; the page reads the delay from <html data-reveal-ms>.
  assert.equal(await page.evaluate(() => document.documentElement.dataset.revealMs), undefined);
  await page.evaluate(() => { document.documentElement.dataset.revealMs = '1500'; });
  await reveal.click();
  await page.locator('[data-sensitive="pan"]', { hasText: PAN }).waitFor();
  assert.equal(await page.locator('[data-sensitive="aadhaar"]').textContent(), AADHAAR);
  assert.equal(await page.locator('[data-sensitive="account_number"]').textContent(), '501234567890');
  const hide = page.getByRole('button', { name: 'Hide' });
  assert.equal(await hide.getAttribute('aria-pressed'), 'true');
  // Hidden again without any click.
  await page.locator('[data-sensitive="pan"]', { hasText: masked }).waitFor({ timeout: 10000 });
  assert.equal(await page.locator('[data-sensitive="aadhaar"]').textContent(), `********${AADHAAR.slice(-4)}`);
  assert.notEqual(await page.locator('[data-sensitive="account_number"]').textContent(), '501234567890');
  assert.equal(await reveal.getAttribute('aria-pressed'), 'false');
  // Hide by hand and reveal again: the earlier timer does not hide the new view early.
  await reveal.click();
  await page.locator('[data-sensitive="pan"]', { hasText: PAN }).waitFor();
  await hide.click();
  await page.locator('[data-sensitive="pan"]', { hasText: masked }).waitFor();
  await page.evaluate(() => { document.documentElement.dataset.revealMs = '4000'; });
  await reveal.click();
  await page.locator('[data-sensitive="pan"]', { hasText: PAN }).waitFor();
  await page.waitForTimeout(2000);
  assert.equal(await pan.textContent(), PAN, 'still shown 2 s into a 4 s reveal');
  await page.locator('[data-sensitive="pan"]', { hasText: masked }).waitFor({ timeout: 10000 });
  await page.evaluate(() => { delete document.documentElement.dataset.revealMs; });
});

test("dashboard: today's payments name the invoice number and the customer", async (t) => {
  if (needs(t, 'sales')) return;
  const page = state.page;
  await page.goto(`${BASE}/#/`);
  await heading(page, 'Dashboard');
  const panel = page.getByRole('region', { name: "Today's payments" });
  const row = panel.getByRole('row').filter({ hasText: 'UPI-UX-1' });
  await row.getByRole('link', { name: state.paidInvoice.number, exact: true }).waitFor();
  assert.equal(await row.getByRole('link', { name: state.paidInvoice.number, exact: true }).getAttribute('href'), `#/invoices/${state.paidInvoice.id}`);
  await row.getByRole('cell', { name: CUSTOMER.name, exact: true }).waitFor();
  assert.equal(await panel.getByText('View invoice').count(), 0, 'no "View invoice" placeholders');
  await shot(page, 'dashboard-payments');
});

test('users list names the branches by code, or "All branches"', async () => {
  const page = state.page;
  await page.goto(`${BASE}/#/users`);
  await heading(page, 'Users');
  const limited = page.getByRole('row').filter({ has: page.getByRole('cell', { name: LIMITED.email, exact: true }) });
  await limited.waitFor();
  await limited.getByRole('cell', { name: BRANCH.code, exact: true }).waitFor();
  const everyBranch = page.getByRole('row').filter({ has: page.getByRole('cell', { name: UX.email, exact: true }) });
  await everyBranch.getByRole('cell', { name: 'All branches', exact: true }).waitFor();
  assert.equal(await page.getByText(/branch\(es\)/).count(), 0);
});

test('a branch-limited user\'s dashboard says which branches it shows', async () => {
  const page = state.page;
  await page.goto(`${BASE}/#/`);
  await heading(page, 'Dashboard');
  await page.waitForLoadState('networkidle');
  assert.equal(await page.getByText(/Showing branches/).count(), 0, 'a user with every branch sees no scope line');
  const limited = await newPage();
  await useSession(limited, await login(LIMITED));
  await limited.getByText(`Showing branches: ${BRANCH.code}`, { exact: true }).waitFor();
  await shot(limited, 'dashboard-limited');
  await limited.context().close();
});

test('usability pages: no Content-Security-Policy violations and no script errors', async () => {
  assert.deepEqual(cspViolations, []);
  assert.deepEqual(pageErrors, []);
});
