// Credit and debit notes (CGST Act s. 34, Rule 53) against an issued invoice: lists,
// a draft form with the invoice's lines (a quantity for returns or a taxable amount for
// discounts and corrections), issue, the note's page and its PDF.

import { h, put, clear, fmtPaise, fmtDate, fmtRate, todayIso, titleCase } from './util.js';
import { api, session, getAll } from './api.js';
import {
  pageHeader, pagedTable, announce, field, formErrorBox, clearErrors, validateForm, applyProblem,
  busy, problemBox, loading, badge, dl, confirmDialog, table, errorText,
} from './components.js';
import {
  parseQuantityMilli, quantityJson, parseRupees, taxOn, proportionalTaxable, sumRounded,
} from './money.js';
import { go } from './router.js';
import {
  pdfControls, sellerOf, buyerOf, placeOfSupply, supplyWords, modeOf, sellerFixLinks, partyPanel,
  noteTotal, totalsDl, lineInfo,
} from './pages-invoices.js';

const NOTE_KINDS = {
  credit: { seg: 'credit-notes', title: 'Credit notes', noun: 'credit note', Noun: 'Credit note', perm: 'sales.credit_notes' },
  debit: { seg: 'debit-notes', title: 'Debit notes', noun: 'debit note', Noun: 'Debit note', perm: 'sales.debit_notes' },
};

export const NOTE_REASONS = [
  ['sales_return', 'Sales return'],
  ['post_sale_discount', 'Post-sale discount'],
  ['deficiency_in_services', 'Deficiency in services'],
  ['correction_in_invoice', 'Correction in invoice'],
  ['change_in_pos', 'Change in place of supply'],
  ['others', 'Others'],
];
const reasonName = (r) => (NOTE_REASONS.find(([v]) => v === r) || [r, titleCase(r)])[1];

// ---- lists -------------------------------------------------------------------------

async function customersById() {
  if (!session.can('sales.customers:read')) return new Map();
  try {
    return new Map((await getAll('/api/v1/customers')).map((c) => [c.id, c]));
  } catch {
    return new Map();
  }
}

function noteList(kind) {
  const k = NOTE_KINDS[kind];
  return async (main, _p, query) => {
    put(main, pageHeader(k.title));
    put(main, h('p.lede', `A ${k.noun} is raised from an issued invoice: open the invoice and choose "New ${k.noun}".`));
    const customers = await customersById();
    const state = { status: query.get('status') || '', invoice_id: query.get('invoice_id') || '', customer_id: query.get('customer_id') || '' };
    const status = field({ name: 'status', label: 'Status', type: 'select', value: state.status, options: [['', 'Any status'], ['draft', 'Draft'], ['issued', 'Issued']] });
    const filters = h('form.filters', { role: 'search', 'aria-label': `Filter ${k.title.toLowerCase()}` }, status,
      h('div.filter-actions', h('button.btn', { type: 'submit' }, 'Apply'), h('button.btn.btn-link', { type: 'reset' }, 'Clear')));
    let list;
    const apply = () => { state.status = status.input.value; list.reload(true); };
    filters.addEventListener('submit', (ev) => { ev.preventDefault(); apply(); });
    filters.addEventListener('reset', () => setTimeout(apply, 0));
    put(main, filters);
    list = pagedTable({
      caption: k.title,
      empty: `No ${k.title.toLowerCase()} match.`,
      columns: [
        { label: k.Noun, render: (n) => h('a', { href: `#/${k.seg}/${n.id}` }, n.number || 'Draft') },
        { label: 'Date', className: 'nowrap', render: (n) => fmtDate(n.note_date) },
        { label: 'Invoice', render: (n) => h('a', { href: `#/invoices/${n.invoice_id}` }, n.invoice_number || 'Invoice') },
        { label: 'Customer', render: (n) => n.customer_name || n.buyer?.name || customers.get(n.customer_id)?.name || '—' },
        { label: 'Reason', render: (n) => reasonName(n.reason) },
        { label: 'Status', render: (n) => badge(n.status) },
        { label: 'Total', className: 'num', render: (n) => fmtPaise(noteTotal(n)) },
      ],
      load: (cursor) => api('GET', `/api/v1/${k.seg}`, { query: { ...state, limit: 50, cursor } }),
    });
    put(main, list);
  };
}

export const renderCreditNotes = noteList('credit');
export const renderDebitNotes = noteList('debit');

// ---- draft form --------------------------------------------------------------------

// The last date a credit note may carry (CGST Act s. 34(2)): 30 November after the end
// of the invoice's financial year.
export function creditDeadline(invoiceDate) {
  const y = Number(invoiceDate.slice(0, 4));
  const start = Number(invoiceDate.slice(5, 7)) >= 4 ? y : y - 1;
  return `${start + 1}-11-30`;
}

function noteForm(kind) {
  const k = NOTE_KINDS[kind];
  return async (main, _p, query) => {
    const invoiceId = query.get('invoice_id');
    const title = `New ${k.noun}`;
    if (!invoiceId) {
      put(main, pageHeader(title), h('p.notice', `Open an issued invoice and choose "New ${k.noun}" there.`), h('p', h('a', { href: '#/invoices' }, 'Go to invoices')));
      return;
    }
    put(main, loading());
    let inv;
    let items = [];
    try {
      inv = await api('GET', `/api/v1/invoices/${invoiceId}`);
      if (session.can('sales.items:read')) items = await getAll('/api/v1/items').catch(() => []);
    } catch (e) {
      put(clear(main), pageHeader(title), problemBox(e));
      return;
    }
    clear(main);
    if (!['issued', 'partially_paid', 'paid'].includes(inv.status)) {
      put(main, pageHeader(title), h('p.problem', { role: 'alert' }, `A ${k.noun} can only be raised against an issued invoice (this one is ${inv.status.replace(/_/g, ' ')}).`));
      return;
    }
    const mode = modeOf(inv, null, null);
    const reason = field({ name: 'reason', label: 'Reason', type: 'select', required: true, value: kind === 'credit' ? 'sales_return' : 'correction_in_invoice', options: NOTE_REASONS });
    const noteDate = field({ name: 'note_date', label: 'Note date', type: 'date', required: true, value: todayIso() < inv.invoice_date ? inv.invoice_date : todayIso(),
      hint: `Not before the invoice date (${fmtDate(inv.invoice_date)})${kind === 'credit' ? `; at most ${fmtDate(creditDeadline(inv.invoice_date))} (s. 34(2))` : ''}.`,
      validate: (v) => (!v ? { message: 'date is required' } : (v < inv.invoice_date ? { message: 'a note cannot be dated before its invoice' } : null)) });
    const hint = h('p.hint', { id: 'note-lines-hint' });
    const totalsBox = h('div.totals', { 'aria-live': 'polite', 'aria-atomic': 'true', 'data-testid': 'note-live-totals' });
    const rows = (inv.lines || []).map((l, i) => {
      const info = lineInfo(l, items);
      const origMilli = parseQuantityMilli(String(l.quantity));
      const qty = h('input.in-qty', { type: 'text', inputmode: 'decimal', id: `nl-${i}-q`, 'aria-label': `Line ${i + 1} quantity`, 'aria-describedby': `nl-${i}-err note-lines-hint`, 'data-field': `invoice_lines[${i}].quantity` });
      const amt = h('input.in-money', { type: 'text', inputmode: 'decimal', id: `nl-${i}-a`, 'aria-label': `Line ${i + 1} taxable amount`, 'aria-describedby': `nl-${i}-err note-lines-hint`, 'data-field': `invoice_lines[${i}].taxable_paise` });
      const err = h('p.field-error', { id: `nl-${i}-err`, hidden: true });
      const est = h('td.num');
      const tr = h('tr.line',
        h('td', String(i + 1)), h('td', info.name, err), h('td', info.hsn),
        h('td.num', `${l.quantity} ${info.unit}`), h('td.num', fmtPaise(l.taxable_paise)), h('td.num', fmtRate(info.rate)),
        h('td', qty), h('td', amt), est);
      return {
        tr, qty, amt, err, est, line: l, info, origMilli,
        // {taxable} of this note line, null when blank, undefined when invalid
        read() {
          const q = qty.value.trim();
          const a = amt.value.trim();
          if (!q && !a) return null;
          if (q && a) return undefined;
          if (q) {
            const m = parseQuantityMilli(q);
            if (m === null || (origMilli && m > origMilli)) return undefined;
            return { quantity: m, taxable: proportionalTaxable(l.taxable_paise, m, origMilli) };
          }
          const p = parseRupees(a);
          if (p === undefined || p === null || p <= 0n) return undefined;
          return { taxable_paise: p, taxable: p };
        },
        problem() {
          const q = qty.value.trim();
          const a = amt.value.trim();
          if (q && a) return 'give either a quantity or a taxable amount, not both';
          if (q) {
            const m = parseQuantityMilli(q);
            if (m === null) return 'quantity must be a positive number with at most 3 decimals';
            if (origMilli && m > origMilli) return `at most the invoiced quantity (${l.quantity})`;
          }
          if (a) {
            const p = parseRupees(a);
            if (p === undefined || p === null || p <= 0n) return 'taxable amount must be rupees greater than zero';
          }
          return null;
        },
      };
    });
    function recompute() {
      const per = [];
      for (const r of rows) {
        const v = r.read();
        if (v && v.taxable !== undefined) {
          const t = taxOn(v.taxable, r.info.rate, mode);
          per.push(t);
          r.est.textContent = fmtPaise(t.total);
        } else r.est.textContent = '—';
      }
      const t = sumRounded(per);
      const intra = mode === 'intra';
      put(clear(totalsBox), h('p.hint', 'Estimate; the server computes the note when it is saved.'),
        h('dl.totals-list',
          h('dt', 'Taxable value'), h('dd', { 'data-total': 'taxable' }, fmtPaise(t.taxable)),
          intra ? [h('dt', 'CGST'), h('dd', fmtPaise(t.cgst)), h('dt', 'SGST'), h('dd', fmtPaise(t.sgst))]
            : [h('dt', mode === 'zero' ? 'IGST (zero-rated, LUT)' : 'IGST'), h('dd', fmtPaise(t.igst))],
          h('dt', 'Round off'), h('dd', fmtPaise(t.roundOff)),
          h('dt.grand', 'Note total'), h('dd.grand', { 'data-total': 'grand' }, fmtPaise(t.grand))));
    }
    const setHint = () => {
      hint.textContent = reason.input.value === 'sales_return'
        ? 'For goods returned, give the quantity returned on each line; the taxable value is in proportion (discounts included).'
        : 'Give a taxable amount (₹) for each line affected, or a quantity. Leave other lines blank.';
    };
    for (const r of rows) {
      for (const el of [r.qty, r.amt]) {
        el.addEventListener('input', () => {
          // A corrected line loses its message at once.
          if (!r.err.hidden && !r.problem()) { r.err.hidden = true; r.err.textContent = ''; r.qty.removeAttribute('aria-invalid'); r.amt.removeAttribute('aria-invalid'); }
          recompute();
        });
      }
    }
    reason.input.addEventListener('change', setHint);
    setHint();
    recompute();
    const submit = h('button.btn.btn-primary', { type: 'submit' }, `Save draft ${k.noun}`);
    const form = h('form.form', { novalidate: true, 'aria-label': title },
      formErrorBox(),
      h('div.form-grid', reason, noteDate),
      h('fieldset.section', h('legend', `Lines of invoice ${inv.number}`), hint,
        h('div.table-wrap', h('table.table.lines-table', h('caption.sr-only', 'Invoice lines'),
          h('thead', h('tr', ['#', 'Item', 'HSN/SAC', 'Invoiced', 'Taxable', 'GST', 'Quantity', 'Taxable (₹)', 'Note line total'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', rows.map((r) => r.tr))))),
      h('div.form-bottom', h('div'), totalsBox),
      h('div.form-actions', submit, h('a.btn', { href: `#/invoices/${inv.id}` }, 'Cancel')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      rows.forEach((r) => { r.err.hidden = true; r.err.textContent = ''; });
      if (!validateForm(form)) return;
      let firstBad = null;
      for (const r of rows) {
        const p = r.problem();
        if (p) {
          r.err.textContent = p;
          r.err.hidden = false;
          const el = r.qty.value.trim() ? r.qty : r.amt;
          el.setAttribute('aria-invalid', 'true');
          if (!firstBad) firstBad = el;
        }
      }
      if (firstBad) { firstBad.focus(); return; }
      const lines = [];
      rows.forEach((r, i) => {
        r.qty.dataset.field = `invoice_lines[${i}].quantity`;
        r.amt.dataset.field = `invoice_lines[${i}].taxable_paise`;
        const v = r.read();
        if (!v) return;
        // API errors name the note's lines: lines[k].quantity / lines[k].taxable_paise.
        r.qty.dataset.field = `lines[${lines.length}].quantity`;
        r.amt.dataset.field = `lines[${lines.length}].taxable_paise`;
        lines.push(v.quantity !== undefined ? { invoice_line: i + 1, quantity: quantityJson(v.quantity) } : { invoice_line: i + 1, taxable_paise: Number(v.taxable_paise) });
      });
      if (!lines.length) {
        applyProblem(form, { errors: [{ message: 'give a quantity or a taxable amount on at least one line' }] });
        return;
      }
      const body = { invoice_id: inv.id, note_date: noteDate.input.value, reason: reason.input.value, lines };
      try {
        const saved = await busy(submit, 'Saving…', () => api('POST', `/api/v1/${k.seg}`, { body }));
        announce(`Draft ${k.noun} saved.`);
        go(`#/${k.seg}/${saved.id}`);
      } catch (e) {
        applyProblem(form, e);
        // A rule (exceeds_invoice, time_barred, …) is named at the top as well as on its field.
        const box = form.querySelector('.form-error');
        if (box && box.hidden) { box.hidden = false; put(box, h('p', errorText(e))); }
        for (const fe of (e.errors || [])) {
          const m = /^lines\[(\d+)\]/.exec(fe.field || '');
          if (!m) continue;
          const r = rows.find((x) => x.qty.dataset.field === `lines[${m[1]}].quantity`);
          if (r) { r.err.textContent = [r.err.textContent, fe.message || fe.code].filter(Boolean).join('; '); r.err.hidden = false; }
        }
      }
    });
    put(main, pageHeader(title),
      h('p.lede', `Against invoice `, h('a', { href: `#/invoices/${inv.id}` }, inv.number), ` of ${fmtDate(inv.invoice_date)} · ${supplyWords(inv)} · grand total ${fmtPaise(inv.grand_total_paise)} · balance due ${fmtPaise(inv.balance_due_paise)}.`),
      form);
  };
}

export const renderCreditNoteForm = noteForm('credit');
export const renderDebitNoteForm = noteForm('debit');

// ---- a note ------------------------------------------------------------------------

function noteView(kind) {
  const k = NOTE_KINDS[kind];
  return async (main, { id }) => {
    put(main, loading());
    let note;
    let inv = null;
    let items = [];
    try {
      note = await api('GET', `/api/v1/${k.seg}/${id}`);
      [inv, items] = await Promise.all([
        api('GET', `/api/v1/invoices/${note.invoice_id}`).catch(() => null),
        session.can('sales.items:read') ? getAll('/api/v1/items').catch(() => []) : [],
      ]);
    } catch (e) {
      put(clear(main), pageHeader(k.Noun), problemBox(e));
      return;
    }
    clear(main);
    const reload = () => go(`#/${k.seg}/${note.id}?t=${Date.now()}`);
    const actions = [];
    if (note.status === 'draft' && session.can(`${k.perm}:issue`)) {
      const issue = h('button.btn.btn-primary', { type: 'button' }, 'Issue');
      issue.addEventListener('click', async () => {
        const effect = kind === 'credit'
          ? 'It lowers the invoice\'s balance due; any amount beyond the balance becomes the customer\'s credit.'
          : 'It raises the invoice\'s balance due.';
        const ok = await confirmDialog(`Issue ${k.noun}`, `Issuing assigns the next ${k.noun} number and cannot be undone. ${effect}`, {
          confirmLabel: `Issue ${k.noun}`, focusCancel: true, problemExtra: sellerFixLinks,
          action: () => api('POST', `/api/v1/${k.seg}/${note.id}/issue`),
        });
        if (ok) { announce(`${k.Noun} issued: ${ok.number || ''}`); reload(); }
      });
      actions.push(issue);
    }
    if (note.status === 'draft' && session.can(`${k.perm}:write`)) {
      const del = h('button.btn.btn-danger', { type: 'button' }, 'Delete draft');
      del.addEventListener('click', async () => {
        const ok = await confirmDialog('Delete draft', `Delete this draft ${k.noun}?`, { confirmLabel: 'Delete', danger: true, focusCancel: true, action: () => api('DELETE', `/api/v1/${k.seg}/${note.id}`) });
        if (ok) { announce('Draft deleted.'); go(`#/invoices/${note.invoice_id}`); }
      });
      actions.push(del);
    }
    if (note.status !== 'draft') actions.push(pdfControls(k.seg, note));
    const mode = modeOf(note, null, null) || (inv ? modeOf(inv, null, null) : 'intra');
    const src = { ...(inv || {}), ...note };
    put(main, pageHeader(note.number ? `${k.Noun} ${note.number}` : `Draft ${k.noun}`, actions));
    put(main, h('div.detail-grid',
      h('section.panel', { 'aria-label': 'Summary' }, h('h2', 'Summary'), dl([
        ['Status', badge(note.status)],
        ['Invoice', inv ? h('a', { href: `#/invoices/${inv.id}` }, inv.number) : note.invoice_id],
        ['Note date', fmtDate(note.note_date)],
        ['Reason', reasonName(note.reason)],
        ['Supply type', supplyWords(src)],
        ['Place of supply', placeOfSupply(src, null)],
        ['Total', h('strong', { 'data-testid': 'note-total' }, fmtPaise(noteTotal(note)))],
        kind === 'credit' && note.status !== 'draft' ? ['Applied to the invoice', h('span', { 'data-testid': 'applied' }, fmtPaise(note.applied_paise ?? 0))] : null,
        kind === 'credit' && note.status !== 'draft' ? ['To the customer\'s credit', h('span', { 'data-testid': 'to-credit' }, fmtPaise(note.to_credit_paise ?? 0))] : null,
        inv ? ['Invoice balance due', fmtPaise(inv.balance_due_paise)] : null,
      ])),
      h('section.panel', { 'aria-label': 'Totals' }, h('h2', 'Totals'), totalsDl(note, mode))));
    put(main, h('div.detail-grid',
      partyPanel('Seller', sellerOf(note.seller ? note : { seller: inv?.seller }, null), 'seller'),
      partyPanel('Buyer', buyerOf(note.buyer ? note : { buyer: inv?.buyer }, null), 'buyer')));
    const invLine = (n) => (inv?.lines || [])[Number(n.invoice_line) - 1] || {};
    const intra = mode === 'intra';
    put(main, h('section.panel', { 'aria-label': 'Lines' }, h('h2', 'Lines'), table([
      { label: 'Invoice line', className: 'num', render: (n) => String(n.invoice_line ?? '—') },
      { label: 'Item', render: (n) => n.item_name || lineInfo({ ...invLine(n), ...n }, items).name },
      { label: 'HSN/SAC', render: (n) => n.hsn_sac || lineInfo(invLine(n), items).hsn },
      { label: 'Quantity', className: 'num', render: (n) => (n.quantity != null ? String(n.quantity) : '—') },
      { label: 'Taxable', className: 'num', render: (n) => fmtPaise(n.taxable_paise) },
      { label: 'GST', className: 'num', render: (n) => fmtRate(n.gst_rate_bp ?? lineInfo(invLine(n), items).rate) },
      ...(intra ? [
        { label: 'CGST', className: 'num', render: (n) => fmtPaise(n.cgst_paise || 0) },
        { label: 'SGST', className: 'num', render: (n) => fmtPaise(n.sgst_paise || 0) },
      ] : [{ label: 'IGST', className: 'num', render: (n) => fmtPaise(n.igst_paise || 0) }]),
    ], note.lines || [], { caption: `${k.Noun} lines` })));
  };
}

export const renderCreditNote = noteView('credit');
export const renderDebitNote = noteView('debit');
