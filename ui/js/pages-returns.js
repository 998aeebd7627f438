// Returns: GSTR-2B reconciliation. The JSON file downloaded from the GST portal is read
// in the browser and posted as it is; the answer (and any later GET of the period) is
// shown as four tabs: matched, mismatch (books and 2B side by side, the differing
// fields marked), missing in books and missing in 2B.

import { h, put, clear, uid, fmtPaise, fmtDate, fmtInstant, qs } from './util.js';
import { api, session, getAll } from './api.js';
import {
  field, pageHeader, announce, formErrorBox, clearErrors, showError, busy, problemBox, loading, dl, errorText,
} from './components.js';
import { go } from './router.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const PERIOD_RE = /^(0[1-9]|1[0-2])(\d{4})$/;

// '062026' -> 'June 2026'
export function periodName(p) {
  const m = PERIOD_RE.exec(String(p || ''));
  return m ? `${MONTHS[Number(m[1]) - 1]} ${m[2]}` : String(p || '');
}

// The month before today's, as MMYYYY (the latest statement the portal can have).
function lastPeriod() {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${String(d.getMonth() + 1).padStart(2, '0')}${d.getFullYear()}`;
}

const RECON_TABS = [
  ['matched', 'Matched', 'In the books and in GSTR-2B with the same date, taxable value and tax: the credit can be claimed.'],
  ['mismatch', 'Mismatch', 'In both, but the date or an amount differs. The differing fields are marked; correct the bill or ask the supplier to amend their return.'],
  ['missing_in_books', 'Missing in books', 'Reported by the supplier (so in your GSTR-2B) but with no bill in the books: enter the bill, or ask the supplier why.'],
  ['missing_in_2b', 'Missing in 2B', 'Bills in the books that the supplier has not reported: their credit cannot be claimed until the supplier files them.'],
];

const SIDE_FIELDS = [
  ['invoice_no', 'Invoice number', 'text'],
  ['invoice_date', 'Invoice date', 'date'],
  ['taxable_paise', 'Taxable value', 'money'],
  ['cgst_paise', 'CGST', 'money'],
  ['sgst_paise', 'SGST', 'money'],
  ['igst_paise', 'IGST', 'money'],
];

function sideValue(side, [key, , kind]) {
  if (!side) return '—';
  const v = side[key];
  if (kind === 'money') return fmtPaise(v ?? 0);
  if (kind === 'date') return fmtDate(v);
  return v || '—';
}

// The bill behind a row (only with the permission to open it).
function billLink(row, text = 'Open bill') {
  if (!row.bill_id) return h('span.muted', 'No bill');
  if (!session.can('purchases.bills:read')) return h('span', 'In the books');
  return h('a', { href: `#/bills/${row.bill_id}`, 'aria-label': `Open bill ${row.invoice_no}` }, text);
}

function supplierCell(row) {
  return [h('span.block', row.supplier_name || '—'), h('span.muted.small.mono', row.supplier_gstin)];
}

// Matched and missing rows: one side's figures (2B for missing in books, else the books).
function reconTable(rows, key, caption) {
  if (!rows.length) return h('p.empty', 'None.');
  const side = (r) => (key === 'missing_in_books' ? r.gstr2b : (r.books || r.gstr2b));
  return h('div.table-wrap', h('table.table',
    h('caption', caption),
    h('thead', h('tr', ['Supplier', 'Invoice', 'Date', 'Taxable value', 'CGST', 'SGST', 'IGST', 'Bill'].map((t, i) => h('th', { scope: 'col', class: i >= 3 && i <= 6 ? 'num' : '' }, t)))),
    h('tbody', rows.map((r) => h('tr', { 'data-invoice': r.invoice_no },
      h('td', supplierCell(r)),
      h('td.nowrap', r.invoice_no),
      h('td.nowrap', fmtDate(r.invoice_date)),
      SIDE_FIELDS.slice(2).map((f) => h('td.num', sideValue(side(r), f))),
      h('td', billLink(r)))))));
}

// A mismatch: the books and the 2B side by side, the fields that differ marked (in words
// too, not by colour alone), and the difference of each amount (2B − books).
function mismatchCard(r) {
  const headId = uid('mm');
  const differs = new Set(r.differences || []);
  return h('article.recon-card', { 'aria-labelledby': headId, 'data-invoice': r.invoice_no },
    h('h3', { id: headId }, `${r.supplier_name || r.supplier_gstin} · ${r.invoice_no}`),
    h('p.hint', `Supplier GSTIN ${r.supplier_gstin}. `, billLink(r, 'Open the bill')),
    h('div.table-wrap', h('table.table.recon-compare',
      h('caption', `Books and GSTR-2B for ${r.invoice_no}`),
      h('thead', h('tr', h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Books'), h('th', { scope: 'col' }, 'GSTR-2B'), h('th.num', { scope: 'col' }, 'Difference (2B − books)'))),
      h('tbody', SIDE_FIELDS.map((f) => {
        const [key, label, kind] = f;
        const diff = differs.has(key);
        const cell = (side) => (diff ? h('mark', sideValue(side, f)) : sideValue(side, f));
        const delta = kind === 'money' && r.books && r.gstr2b ? BigInt(r.gstr2b[key] ?? 0) - BigInt(r.books[key] ?? 0) : null;
        return h(`tr${diff ? '.recon-diff' : ''}`, { 'data-field': key, 'data-differs': diff ? 'true' : 'false' },
          h('th', { scope: 'row' }, label, diff ? h('span.diff-flag', ' — differs') : null),
          h('td', cell(r.books)),
          h('td', cell(r.gstr2b)),
          h('td.num', delta === null || delta === 0n ? '' : `${delta > 0n ? '+' : ''}${fmtPaise(delta)}`));
      })))));
}

// The four tabs (WAI-ARIA tabs: arrows, Home and End move between them).
function reconTabs(r, selected, onSelect) {
  const tabs = [];
  const panels = [];
  const list = h('div.tabs', { role: 'tablist', 'aria-label': 'Reconciliation' });
  const choose = (i, focus) => {
    tabs.forEach((t, j) => {
      t.setAttribute('aria-selected', String(i === j));
      t.tabIndex = i === j ? 0 : -1;
      panels[j].hidden = i !== j;
    });
    if (focus) tabs[i].focus();
    onSelect(RECON_TABS[i][0]);
  };
  RECON_TABS.forEach(([key, label, help], i) => {
    const rows = r[key] || [];
    const count = r.summary && r.summary[key] !== undefined ? r.summary[key] : rows.length;
    const tabId = uid('tab');
    const panelId = uid('tabpanel');
    const tab = h('button.tab', { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'data-tab': key, 'data-count': count },
      label, ' ', h('span.tab-count', String(count)));
    tab.addEventListener('click', () => choose(i, false));
    tab.addEventListener('keydown', (ev) => {
      const n = RECON_TABS.length;
      const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[ev.key];
      if (to !== undefined) { ev.preventDefault(); choose(to, true); }
    });
    tabs.push(tab);
    put(list, tab);
    const caption = `${label}: ${periodName(r.period)}`;
    panels.push(h('div.tab-panel', { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, tabindex: '0', 'data-panel': key },
      h('p.hint', help),
      key === 'mismatch' ? (rows.length ? rows.map(mismatchCard) : h('p.empty', 'None.')) : reconTable(rows, key, caption)));
  });
  const start = Math.max(0, RECON_TABS.findIndex(([k]) => k === selected));
  const box = h('div.recon', list, panels);
  choose(start, false);
  return box;
}

function reconView(r, selected) {
  const hashFor = (tab) => `#/returns/gstr2b${qs({ period: r.period, gstin: r.gstin, tab: tab === 'matched' ? '' : tab })}`;
  return h('section.panel', { 'aria-labelledby': 'recon-h', 'data-testid': 'recon' },
    h('h2', { id: 'recon-h' }, `${periodName(r.period)} · ${r.gstin}`),
    dl([
      ['Period', `${periodName(r.period)} (${r.period})`],
      ['GSTIN', r.gstin],
      ['Generated on the portal', r.generated_on ? fmtDate(r.generated_on) : '—'],
      ['Imported', fmtInstant(r.imported_at)],
    ]),
    reconTabs(r, selected, (tab) => { history.replaceState(null, '', hashFor(tab)); }));
}

async function returnGstins() {
  if (!session.can('org.branches:read')) return [];
  try {
    const branches = await getAll('/api/v1/branches');
    return [...new Set(branches.map((b) => b.gstin).filter(Boolean))].sort();
  } catch { return []; }
}

export async function renderGstr2b(main, _p, query) {
  const period = query.get('period') || '';
  const gstin = query.get('gstin') || '';
  const tab = query.get('tab') || 'matched';
  put(main, pageHeader('GSTR-2B reconciliation'));
  put(main, h('p.lede', 'Compare the input tax credit statement the GST portal publishes each month (GSTR-2B) with the bills in the books: the B2B invoices that match, those whose date or amounts differ, those the books do not have, and the bills the suppliers have not reported.'));
  const result = h('div', { 'aria-live': 'polite' });
  const show = (r, selected = 'matched') => put(clear(result), reconView(r, selected));
  const gstins = await returnGstins();
  const picker = {
    period: field({ name: 'period', label: 'Period (MMYYYY)', required: true, value: period || lastPeriod(),
      attrs: { inputmode: 'numeric', autocomplete: 'off', maxlength: '6' }, hint: 'e.g. 062026 for June 2026',
      validate: (v) => (PERIOD_RE.test(String(v).trim()) ? null : { message: 'a period is the month and year as MMYYYY, e.g. 062026' }) }),
    gstin: gstins.length > 1
      ? field({ name: 'gstin', label: 'GSTIN', type: 'select', value: gstin, options: [['', 'The only one imported'], ...gstins.map((g) => [g, g])], hint: 'Needed when statements of several GSTINs were imported for the period.' })
      : null,
  };

  // Upload a statement.
  if (session.can('returns.gstr2b:write')) {
    const file = field({ name: 'file', label: 'GSTR-2B file (JSON)', type: 'file', required: true,
      attrs: { accept: '.json,application/json' },
      hint: 'As downloaded from the GST portal (Returns › GSTR-2B › Download JSON). Importing a period again replaces it.' });
    const submit = h('button.btn.btn-primary', { type: 'submit' }, 'Upload and reconcile');
    const form = h('form.upload-form', { novalidate: true, 'aria-label': 'Upload GSTR-2B' }, formErrorBox(), file, h('div.form-actions', submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const chosen = file.input.files && file.input.files[0];
      if (!chosen) { showError(file.input, 'choose the JSON file downloaded from the GST portal'); file.input.focus(); return; }
      let body;
      try {
        body = JSON.parse(await chosen.text());
      } catch (e) {
        showError(file.input, `${chosen.name} is not a JSON file (${e.message})`);
        file.input.focus();
        return;
      }
      try {
        const r = await busy(submit, 'Uploading…', () => api('POST', '/api/v1/returns/gstr2b', { body }));
        const s = r.summary || {};
        announce(`GSTR-2B for ${periodName(r.period)} imported: ${s.matched} matched, ${s.mismatch} mismatched, ${s.missing_in_books} missing in books, ${s.missing_in_2b} missing in 2B.`);
        file.input.value = '';
        picker.period.input.value = r.period;
        history.replaceState(null, '', `#/returns/gstr2b${qs({ period: r.period, gstin: r.gstin })}`);
        show(r);
      } catch (e) {
        // The file's problems name paths inside it (data.docdata.b2b[0].inv[2].dt).
        const box = form.querySelector('.form-error');
        showError(file.input, 'this file was not imported; nothing was stored');
        box.hidden = false;
        const listed = e.errors && e.errors.length;
        put(clear(box), h('p', listed ? `${e.problem?.title || 'The file was refused'}:` : errorText(e)),
          listed ? h('ul', e.errors.map((fe) => h('li', fe.field ? [h('code', fe.field), `: ${fe.message || fe.code}`] : (fe.message || fe.code)))) : null);
        box.focus();
      }
    });
    put(main, h('section.panel', { 'aria-labelledby': 'upload-2b-h' }, h('h2', { id: 'upload-2b-h' }, 'Upload a statement'), form));
  }

  // Open an imported period.
  const pickForm = h('form.filters', { role: 'search', 'aria-label': 'GSTR-2B period' }, formErrorBox(), picker.period, picker.gstin,
    h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Show')));
  pickForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(pickForm);
    const v = picker.period.input.value.trim();
    if (!PERIOD_RE.test(v)) { showError(picker.period.input, 'a period is the month and year as MMYYYY, e.g. 062026'); picker.period.input.focus(); return; }
    go(`#/returns/gstr2b${qs({ period: v, gstin: picker.gstin ? picker.gstin.input.value : gstin })}`);
  });
  put(main, h('section.panel', { 'aria-labelledby': 'pick-2b-h' }, h('h2', { id: 'pick-2b-h' }, 'Imported statements'), pickForm), result);

  if (!period) {
    put(result, h('p.empty', 'Choose a period to see its reconciliation, or upload a statement.'));
    return;
  }
  if (!PERIOD_RE.test(period)) {
    put(result, h('p.problem', { role: 'alert' }, `"${period}" is not a period: use MMYYYY, e.g. 062026.`));
    return;
  }
  put(result, loading());
  try {
    const r = await api('GET', `/api/v1/returns/gstr2b/${encodeURIComponent(period)}`, { query: { gstin } });
    show(r, tab);
  } catch (e) {
    if (e.status === 404) {
      put(clear(result), h('p.notice', { role: 'status', 'data-testid': 'recon-none' },
        `Nothing imported for ${periodName(period)}${gstin ? ` (GSTIN ${gstin})` : ''} yet.`,
        session.can('returns.gstr2b:write') ? ' Upload the GSTR-2B JSON file for that month above.' : ' Someone with permission to import GSTR-2B has to upload it first.'));
    } else {
      put(clear(result), problemBox(e, () => go(`#/returns/gstr2b${qs({ period, gstin, t: Date.now() })}`)));
    }
  }
}
