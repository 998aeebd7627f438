// Browser tests of the GSTR-2B reconciliation page: three posted bills of a Chennai
// branch (through the API), a GSTR-2B JSON file built here (one invoice exactly as
// billed, one with another taxable value, one the books do not have; the third bill is
// not in it) uploaded through the page, the four tabs with their counts (1/1/1/1), the
// mismatch's books and 2B side by side with the differing field marked, links to the
// bills, the period picker (and a period with nothing imported), a file of another
// taxpayer and a file that is not JSON refused on the form, staff without the page (and
// the API's 403), axe on the page and no CSP violations.
// Real Chromium at 1366×768 against the real binary; run through scripts/ui-test.sh.
//
// This file runs after purchases.test.mjs and before stock.test.mjs; it uses its own
// branch (the only one in Tamil Nadu), vendor and item.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ACCOUNTS, STAFF, COMPANY } from './setup-data.mjs';
import { gstinCheckChar } from '../../ui/js/validate.js';

const BASE = process.env.UI_BASE_URL;
const TENANT = process.env.UI_TENANT;
const USER = ACCOUNTS; // admin + accountant: returns.gstr2b:read and :write, purchases.*
const SHOTS = process.env.UI_SHOTS || path.resolve('target/ui-screenshots');
const T = 15000;

const withCheck = (first14) => `${first14}${gstinCheckChar(first14)}`;
const BRANCH = { code: 'MAA01', name: 'Chennai Depot', state_code: '33', address: '14 Anna Salai, Chennai 600002', gstin: withCheck(`33${COMPANY.pan}1Z`) };
const VENDOR = { name: 'Kaveri Steel Traders', registration: 'regular', gstin: withCheck('33AABCK2468P1Z'), state_code: '33', billing_address: '9 Ambattur Industrial Estate, Chennai 600058' };
// A supplier who reported an invoice the books do not have.
const STRANGER = { name: 'Nilgiri Supplies', gstin: withCheck('33AABCN1357Q1Z') };
const ITEM = { sku: 'RET-ROD', name: 'TMT steel rod 12 mm', hsn_sac: '7214', unit: 'NOS', unit_price_paise: 100000, gst_rate_bp: 1800 };
// Intra-state, 18%: CGST = SGST = 9% of the taxable value.
const BILLS = {
  match: { no: 'KST/101', qty: 1, price: 100000 }, //  ₹1,000.00 + ₹90.00 + ₹90.00, reported as billed
  mismatch: { no: 'KST/102', qty: 2, price: 100000 }, // ₹2,000.00 + ₹180.00 + ₹180.00, reported as ₹2,100.00 taxable
  missing2b: { no: 'KST/103', qty: 1, price: 50000 }, //  ₹500.00, not reported at all
};
const UNKNOWN_NO = 'NS/2026/555';

let browser;
let page;
const cspViolations = [];
const pageErrors = [];
const state = {};
const has = {};

const now = new Date();
const today = now.toISOString().slice(0, 10);
const dmy = (iso) => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
const PERIOD = `${today.slice(5, 7)}${today.slice(0, 4)}`;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const PERIOD_NAME = `${MONTHS[Number(today.slice(5, 7)) - 1]} ${today.slice(0, 4)}`;

// The statement as the portal publishes it (amounts in rupees, dates DD-MM-YYYY).
function statement(gstin = BRANCH.gstin) {
  const inv = (inum, txval, tax) => ({
    inum, typ: 'R', dt: dmy(today), val: txval + 2 * tax, pos: '33', rev: 'N', itcavl: 'Y', rsn: '', diffprcnt: 1,
    srctyp: '', irn: '', irngendate: '', txval, igst: 0, cgst: tax, sgst: tax, cess: 0,
  });
  return {
    chksum: 'ADFADRGA4GADFADGERE34R3ESDFD',
    data: {
      gstin, rtnprd: PERIOD, version: '1.0', gendt: dmy(today),
      docdata: {
        b2b: [
          { ctin: VENDOR.gstin, trdnm: VENDOR.name, supfildt: dmy(today), supprd: PERIOD,
            inv: [inv(BILLS.match.no, 1000, 90), inv(BILLS.mismatch.no, 2100, 180)] },
          { ctin: STRANGER.gstin, trdnm: STRANGER.name, supfildt: dmy(today), supprd: PERIOD,
            inv: [inv(UNKNOWN_NO, 750, 67.5)] },
        ],
      },
    },
  };
}

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

async function heading(p, text) {
  await p.getByRole('heading', { level: 1, name: text, exact: typeof text === 'string' }).waitFor();
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

// The company PAN, the branch, the vendor, the item and three posted bills dated today.
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
  state.vendor = await must('POST', '/api/v1/vendors', VENDOR);
  state.item = await must('POST', '/api/v1/items', ITEM);
  state.bills = {};
  for (const [k, b] of Object.entries(BILLS)) {
    const draft = await must('POST', '/api/v1/bills', {
      vendor_id: state.vendor.id, branch_id: state.branch.id, supplier_invoice_no: b.no,
      supplier_invoice_date: today, posting_date: today, due_date: today,
      lines: [{ item_id: state.item.id, quantity: b.qty, unit_price_paise: b.price }],
    });
    state.bills[k] = await must('POST', `/api/v1/bills/${draft.id}/post`);
  }
  assert.deepEqual([state.bills.mismatch.taxable_total_paise, state.bills.mismatch.cgst_total_paise, state.bills.mismatch.sgst_total_paise], [200000, 18000, 18000]);
}

function needs(t, ...parts) {
  const missing = parts.filter((p) => !has[p]);
  if (missing.length) { t.skip(`API not merged yet: ${missing.join(', ')}`); return true; }
  return false;
}

const nav = (p) => p.getByRole('navigation', { name: 'Main menu' });
const tab = (p, key) => p.locator(`[role="tab"][data-tab="${key}"]`);
const panel = (p, key) => p.locator(`[role="tabpanel"][data-panel="${key}"]`);
const fileInput = (p) => p.getByLabel('GSTR-2B file (JSON)');
const asFile = (name, obj) => ({ name, mimeType: 'application/json', buffer: Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj, null, 2)) });

// The four tabs as a user reads them: "Matched 1", …
async function tabTexts(p) {
  return p.getByRole('tab').allTextContents();
}

before(async () => {
  state.login = await login(USER);
  const spec = await (await fetch(`${BASE}/api-docs/openapi.json`)).json();
  has.gstr2b = Object.keys(spec.paths || {}).some((p) => p.startsWith('/api/v1/returns/gstr2b'));
  has.purchases = (await call('GET', '/api/v1/bills')).status === 200;
  if (has.gstr2b && has.purchases) await seed();
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

test('before any import: the period says nothing is imported yet', async (t) => {
  if (needs(t, 'gstr2b')) return;
  await nav(page).getByRole('link', { name: 'GSTR-2B' }).click();
  await heading(page, 'GSTR-2B reconciliation');
  await page.getByLabel('Period (MMYYYY)').fill(PERIOD);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByTestId('recon-none').waitFor();
  assert.equal(await page.getByTestId('recon-none').textContent(), `Nothing imported for ${PERIOD_NAME} yet. Upload the GSTR-2B JSON file for that month above.`);
  assert.equal(await page.getByRole('tab').count(), 0);
  // Not a period at all: said on the field, nothing asked of the server.
  await page.getByLabel('Period (MMYYYY)').fill('13202');
  await page.getByRole('button', { name: 'Show' }).click();
  assert.equal(await page.getByLabel('Period (MMYYYY)').getAttribute('aria-invalid'), 'true');
  await page.getByText('a period is the month and year as MMYYYY, e.g. 062026').waitFor();
});

test('a file that is not JSON, and another taxpayer\'s statement, are refused on the form', async (t) => {
  if (needs(t, 'gstr2b', 'purchases')) return;
  await page.goto(`${BASE}/#/returns/gstr2b`);
  await heading(page, 'GSTR-2B reconciliation');
  await fileInput(page).setInputFiles(asFile('returns.pdf', '%PDF-1.4 not json'));
  await page.getByRole('button', { name: 'Upload and reconcile' }).click();
  await page.getByText(/^returns\.pdf is not a JSON file/).waitFor();
  assert.equal(await fileInput(page).getAttribute('aria-invalid'), 'true');
  // A GSTIN that is no branch's: the server's 422 names the field of the file.
  const foreign = withCheck('33AABCZ9999Z1Z');
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/returns/gstr2b')),
    (async () => {
      await fileInput(page).setInputFiles(asFile('foreign.json', statement(foreign)));
      await page.getByRole('button', { name: 'Upload and reconcile' }).click();
    })(),
  ]);
  assert.equal(res.status(), 422);
  const box = page.getByRole('form', { name: 'Upload GSTR-2B' }).getByRole('alert');
  await box.getByText('data.gstin', { exact: true }).waitFor();
  assert.match(await box.textContent(), new RegExp(`data\\.gstin: ${foreign} is not the GSTIN of any branch`));
  assert.equal(await fileInput(page).getAttribute('aria-invalid'), 'true');
  await page.getByText('this file was not imported; nothing was stored').waitFor();
  await shot(page, 'gstr2b-refused');
  // A malformed invoice date: the path inside the file is named.
  const broken = statement();
  broken.data.docdata.b2b[1].inv[0].dt = '31-02-2026';
  await fileInput(page).setInputFiles(asFile('broken.json', broken));
  await page.getByRole('button', { name: 'Upload and reconcile' }).click();
  await box.getByText('data.docdata.b2b[1].inv[0].dt', { exact: true }).waitFor();
  assert.equal((await call('GET', `/api/v1/returns/gstr2b/${PERIOD}`)).status, 404, 'nothing stored');
});

test('upload the statement: four tabs 1/1/1/1, matched rows link to their bills', async (t) => {
  if (needs(t, 'gstr2b', 'purchases')) return;
  await page.goto(`${BASE}/#/returns/gstr2b`);
  await heading(page, 'GSTR-2B reconciliation');
  const file = statement();
  const [req] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/returns/gstr2b')),
    (async () => {
      await fileInput(page).setInputFiles(asFile(`GSTR2B_${BRANCH.gstin}_${PERIOD}.json`, file));
      await page.getByRole('button', { name: 'Upload and reconcile' }).click();
    })(),
  ]);
  assert.deepEqual(JSON.parse(req.postData()), file, 'the file is posted as it is');
  await page.getByRole('tablist', { name: 'Reconciliation' }).waitFor();
  assert.deepEqual(await tabTexts(page), ['Matched 1', 'Mismatch 1', 'Missing in books 1', 'Missing in 2B 1']);
  await page.getByRole('heading', { level: 2, name: `${PERIOD_NAME} · ${BRANCH.gstin}` }).waitFor();
  await page.getByText(`GSTR-2B for ${PERIOD_NAME} imported: 1 matched, 1 mismatched, 1 missing in books, 1 missing in 2B.`).first().waitFor();
  assert.match(page.url(), new RegExp(`period=${PERIOD}`), 'the period is in the address, so a reload keeps it');
  // Matched: the first tab, selected; KST/101 as billed, linked to its bill.
  assert.equal(await tab(page, 'matched').getAttribute('aria-selected'), 'true');
  const matched = panel(page, 'matched');
  assert.equal(await matched.isVisible(), true);
  const row = matched.locator(`tr[data-invoice="${BILLS.match.no}"]`);
  assert.match(await row.textContent(), new RegExp(`${VENDOR.name}${VENDOR.gstin}${BILLS.match.no}.*₹1,000\\.00₹90\\.00₹90\\.00₹0\\.00Open bill`));
  assert.equal(await row.getByRole('link', { name: `Open bill ${BILLS.match.no}` }).getAttribute('href'), `#/bills/${state.bills.match.id}`);
  assert.equal(await panel(page, 'mismatch').isVisible(), false, 'one tab at a time');
  await shot(page, 'gstr2b-matched', { fullPage: true });
  // Missing in books: the stranger's invoice, with the 2B's figures and no bill.
  await tab(page, 'missing_in_books').click();
  const mib = panel(page, 'missing_in_books');
  assert.equal(await mib.isVisible(), true);
  const mibRow = mib.locator(`tr[data-invoice="${UNKNOWN_NO}"]`);
  assert.match(await mibRow.textContent(), new RegExp(`${STRANGER.name}${STRANGER.gstin}.*₹750\\.00₹67\\.50₹67\\.50.*No bill`));
  assert.equal(await mibRow.getByRole('link').count(), 0);
  // Missing in 2B: the third bill, linked.
  await tab(page, 'missing_in_2b').click();
  const mi2 = panel(page, 'missing_in_2b');
  const mi2Row = mi2.locator(`tr[data-invoice="${BILLS.missing2b.no}"]`);
  assert.match(await mi2Row.textContent(), /₹500\.00₹45\.00₹45\.00/);
  await mi2Row.getByRole('link', { name: `Open bill ${BILLS.missing2b.no}` }).click();
  await heading(page, `Bill ${BILLS.missing2b.no}`);
  await page.goBack();
  await heading(page, 'GSTR-2B reconciliation');
  // Back on the page (a GET of the period now): the tab chosen is kept.
  await page.getByRole('tablist', { name: 'Reconciliation' }).waitFor();
  assert.equal(await tab(page, 'missing_in_2b').getAttribute('aria-selected'), 'true');
  assert.deepEqual(await tabTexts(page), ['Matched 1', 'Mismatch 1', 'Missing in books 1', 'Missing in 2B 1']);
});

test('mismatch: the books and the 2B side by side, the taxable value marked as differing', async (t) => {
  if (needs(t, 'gstr2b', 'purchases')) return;
  await page.goto(`${BASE}/#/returns/gstr2b?period=${PERIOD}`);
  await heading(page, 'GSTR-2B reconciliation');
  await page.getByRole('tablist', { name: 'Reconciliation' }).waitFor();
  // Keyboard: the arrow keys move between the tabs.
  await tab(page, 'matched').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await tab(page, 'mismatch').getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.tab), 'mismatch');
  const mm = panel(page, 'mismatch');
  assert.equal(await mm.isVisible(), true);
  const card = mm.getByRole('article', { name: `${VENDOR.name} · ${BILLS.mismatch.no}` });
  await card.waitFor();
  const compare = card.getByRole('table', { name: `Books and GSTR-2B for ${BILLS.mismatch.no}` });
  const fieldRow = (label) => compare.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${label}`) }) });
  const taxable = fieldRow('Taxable value');
  assert.equal(await taxable.getAttribute('data-differs'), 'true');
  assert.equal(await taxable.textContent(), 'Taxable value — differs₹2,000.00₹2,100.00+₹100.00');
  assert.deepEqual(await taxable.locator('mark').allTextContents(), ['₹2,000.00', '₹2,100.00'], 'both sides marked');
  // Only the taxable value differs: the rest are the same on both sides and unmarked.
  assert.deepEqual(await compare.locator('tr[data-differs="true"]').evaluateAll((rows) => rows.map((r) => r.dataset.field)), ['taxable_paise']);
  assert.equal(await card.locator('mark').count(), 2);
  assert.equal(await fieldRow('CGST').textContent(), 'CGST₹180.00₹180.00');
  assert.equal(await fieldRow('Invoice number').textContent(), `Invoice number${BILLS.mismatch.no}${BILLS.mismatch.no}`);
  assert.equal(await card.getByRole('link', { name: `Open bill ${BILLS.mismatch.no}` }).getAttribute('href'), `#/bills/${state.bills.mismatch.id}`);
  const api = await must('GET', `/api/v1/returns/gstr2b/${PERIOD}`);
  assert.deepEqual(api.mismatch.map((r) => r.differences), [['taxable_paise']]);
  await shot(page, 'gstr2b-mismatch', { fullPage: true });
});

test('staff: no GSTR-2B in the menu, and the API refuses it', async (t) => {
  if (needs(t, 'gstr2b')) return;
  const staff = await newPage();
  await useSession(staff, await login(STAFF));
  await nav(staff).getByRole('link', { name: 'Invoices' }).waitFor();
  assert.equal(await nav(staff).getByRole('link', { name: 'GSTR-2B' }).count(), 0);
  await staff.goto(`${BASE}/#/returns/gstr2b?period=${PERIOD}`);
  await heading(staff, 'GSTR-2B reconciliation');
  await staff.getByRole('alert').filter({ hasText: /forbidden|permission/i }).first().waitFor();
  assert.equal(await staff.getByRole('button', { name: 'Upload and reconcile' }).count(), 0);
  const res = await staff.evaluate(async ([period, body]) => {
    const s = JSON.parse(sessionStorage.getItem('bisman.session'));
    const auth = { Authorization: `Bearer ${s.access_token}`, 'Content-Type': 'application/json' };
    const get = await fetch(`/api/v1/returns/gstr2b/${period}`, { headers: auth });
    const post = await fetch('/api/v1/returns/gstr2b', { method: 'POST', headers: auth, body: JSON.stringify(body) });
    return [get.status, post.status];
  }, [PERIOD, statement()]);
  assert.deepEqual(res, [403, 403]);
  await staff.context().close();
});

test('accessibility: axe finds no serious WCAG 2 A/AA violations on the GSTR-2B page', async (t) => {
  if (needs(t, 'gstr2b')) return;
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
  const problems = [];
  await p.goto(`${BASE}/#/returns/gstr2b`);
  await heading(p, 'GSTR-2B reconciliation');
  await p.waitForLoadState('networkidle');
  problems.push(...await audit('gstr2b (no period)'));
  await p.goto(`${BASE}/#/returns/gstr2b?period=012020`);
  await p.getByTestId('recon-none').waitFor();
  problems.push(...await audit('gstr2b (nothing imported)'));
  if (has.purchases) {
    for (const key of ['matched', 'mismatch', 'missing_in_books', 'missing_in_2b']) {
      await p.goto(`${BASE}/#/returns/gstr2b?period=${PERIOD}&tab=${key}`);
      await heading(p, 'GSTR-2B reconciliation');
      await p.locator(`[role="tab"][data-tab="${key}"][aria-selected="true"]`).waitFor();
      problems.push(...await audit(`gstr2b ${key}`));
    }
  }
  await context.close();
  assert.deepEqual(problems, []);
});

test('GSTR-2B page: no Content-Security-Policy violations and no script errors', async () => {
  assert.deepEqual(cspViolations, []);
  assert.deepEqual(pageErrors, []);
});
