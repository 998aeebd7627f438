// Invoice arithmetic, exactly as the server does it: integer paise, quantities in
// thousandths, every rounding half away from zero. BigInt throughout, so no float
// ever touches money.

// round(n / d), halves away from zero; d > 0.
export function divRound(n, d) {
  n = BigInt(n);
  d = BigInt(d);
  const q = n / d;
  const r = n % d;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

// "2.5" -> 2500n thousandths; null when not a positive number with at most 3 decimals.
export function parseQuantityMilli(text) {
  const s = String(text ?? '').trim();
  const m = /^(\d{1,10})(?:\.(\d{1,3}))?$/.exec(s);
  if (!m) return null;
  const milli = BigInt(m[1]) * 1000n + BigInt((m[2] || '').padEnd(3, '0') || '0');
  return milli > 0n ? milli : null;
}

// A quantity for the JSON body: the exact decimal text as a JSON number.
export function quantityJson(milli) {
  const whole = milli / 1000n;
  const frac = (milli % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return Number(frac ? `${whole}.${frac}` : `${whole}`);
}

// "1,234.5" / "1234.50" -> 123450n paise; '' -> null; invalid -> NaN marker (undefined).
export function parseRupees(text) {
  const s = String(text ?? '').trim().replace(/,/g, '').replace(/^₹/, '');
  if (s === '') return null;
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  return BigInt(m[1]) * 100n + BigInt((m[2] || '').padEnd(2, '0'));
}

// A manual journal line's amount from its debit and credit texts (rupees):
// {debit: paise|null, credit: paise|null, problem: text|null}. Exactly one side, above zero.
export function journalLineAmount(debitText, creditText) {
  const d = parseRupees(debitText);
  const c = parseRupees(creditText);
  if (d === undefined) return { debit: null, credit: null, problem: 'debit must be an amount in rupees, e.g. 1250.50' };
  if (c === undefined) return { debit: null, credit: null, problem: 'credit must be an amount in rupees, e.g. 1250.50' };
  if (d !== null && c !== null) return { debit: null, credit: null, problem: 'give a debit or a credit, not both' };
  if (d === 0n || c === 0n) return { debit: null, credit: null, problem: 'the amount must be more than zero' };
  if (d === null && c === null) return { debit: null, credit: null, problem: null, blank: true };
  return { debit: d, credit: c, problem: null };
}

// Totals of a manual journal's lines [{debit, credit}] (texts in rupees): debit and
// credit totals in paise, diff = debit − credit, and the indexes of invalid lines.
export function journalTotals(lines) {
  let debit = 0n;
  let credit = 0n;
  const invalid = [];
  lines.forEach((l, i) => {
    const a = journalLineAmount(l.debit, l.credit);
    if (a.problem) { invalid.push(i); return; }
    if (a.debit) debit += a.debit;
    if (a.credit) credit += a.credit;
  });
  return { debit, credit, diff: debit - credit, invalid };
}

// paise -> "1234.50" for an input field
export function paiseToInput(p) {
  if (p === null || p === undefined) return '';
  const n = BigInt(p);
  return `${n / 100n}.${(n % 100n).toString().padStart(2, '0')}`;
}

// How GST applies (docs/tax-documents.md, "Supply types"): 'intra' (CGST + SGST),
// 'inter' (IGST) or 'zero' (zero-rated under LUT: every line keeps its rate, no tax).
// SEZ supplies are always inter-state (IGST Act s. 7(5)(b)); exports go to state 96.
export function taxMode(branchState, customerState, registration, lut) {
  const reg = registration || 'regular';
  if (reg === 'sez' || reg === 'export') return lut ? 'zero' : 'inter';
  if (!branchState || !customerState) return null;
  return branchState === customerState ? 'intra' : 'inter';
}

// The mode of a saved document, as the server decided it (supply_type, lut, tax totals).
export function taxModeOf(doc) {
  if (!doc) return 'inter';
  if ((doc.supply_type === 'sez' || doc.supply_type === 'export') && doc.lut) return 'zero';
  if (doc.supply_type === 'sez' || doc.supply_type === 'export') return 'inter';
  if (typeof doc.intra_state === 'boolean') return doc.intra_state ? 'intra' : 'inter';
  if (Number(doc.igst_total_paise || 0) !== 0) return 'inter';
  if (Number(doc.cgst_total_paise || 0) !== 0) return 'intra';
  return null;
}

// One line: {quantityMilli, unitPricePaise, discountPaise, rateBp}; mode: 'intra' | 'inter' |
// 'zero' (true / false are accepted for intra / inter).
export function lineTax(line, intraState) {
  const gross = divRound(BigInt(line.quantityMilli) * BigInt(line.unitPricePaise), 1000n);
  const taxable = gross - BigInt(line.discountPaise || 0);
  return taxOn(taxable, line.rateBp, intraState, gross);
}

// Tax on a taxable value at rate_bp, with the heads of the mode.
export function taxOn(taxablePaise, rateBp, mode, gross) {
  const taxable = BigInt(taxablePaise);
  const rate = BigInt(rateBp || 0);
  let cgst = 0n;
  let sgst = 0n;
  let igst = 0n;
  if (mode === 'zero') {
    // zero-rated: no tax
  } else if (mode === true || mode === 'intra') {
    cgst = divRound(taxable * rate, 20000n);
    sgst = cgst;
  } else {
    igst = divRound(taxable * rate, 10000n);
  }
  return { gross: gross ?? taxable, taxable, cgst, sgst, igst, total: taxable + cgst + sgst + igst };
}

// A note line's taxable value when it gives a quantity: the original line's taxable
// value × quantity ÷ original quantity, halves away from zero (both in thousandths).
export function proportionalTaxable(lineTaxablePaise, quantityMilli, lineQuantityMilli) {
  if (!lineQuantityMilli) return 0n;
  return divRound(BigInt(lineTaxablePaise) * BigInt(quantityMilli), BigInt(lineQuantityMilli));
}

// Sums already-taxed lines ({taxable, cgst, sgst, igst}) and rounds to the rupee.
export function sumRounded(perLine) {
  const t = { taxable: 0n, cgst: 0n, sgst: 0n, igst: 0n };
  for (const l of perLine) {
    t.taxable += l.taxable;
    t.cgst += l.cgst;
    t.sgst += l.sgst;
    t.igst += l.igst;
  }
  const sum = t.taxable + t.cgst + t.sgst + t.igst;
  const grand = divRound(sum, 100n) * 100n;
  return { lines: perLine, ...t, sum, roundOff: grand - sum, grand };
}

export function invoiceTotals(lines, intraState) {
  return sumRounded(lines.map((l) => lineTax(l, intraState)));
}

// A purchase bill: lines as invoiceTotals (each may carry itc: 'eligible' (the default),
// 'ineligible' or 'blocked'), plus the input tax credit of the eligible lines. On
// reverse charge the vendor is owed the taxable value only (the tax is ours to pay to
// the government): the grand total is the taxable value, rounded like any grand total,
// while the tax heads still show the tax.
export function billTotals(lines, mode, reverseCharge = false) {
  const perLine = lines.map((l) => lineTax(l, mode));
  const t = sumRounded(perLine);
  const itc = { cgst: 0n, sgst: 0n, igst: 0n };
  perLine.forEach((l, i) => {
    if ((lines[i].itc || 'eligible') !== 'eligible') return;
    itc.cgst += l.cgst;
    itc.sgst += l.sgst;
    itc.igst += l.igst;
  });
  itc.total = itc.cgst + itc.sgst + itc.igst;
  const owed = reverseCharge ? sumRounded(perLine.map((l) => ({ ...l, cgst: 0n, sgst: 0n, igst: 0n }))) : t;
  return { ...t, sum: owed.sum, roundOff: owed.roundOff, grand: owed.grand, itc };
}

// Financial year of an ISO date as "YY-YY" (April to March): 2026-12-03 -> "26-27".
export function fyShort(iso) {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const start = m >= 4 ? y : y - 1;
  return `${String(start % 100).padStart(2, '0')}-${String((start + 1) % 100).padStart(2, '0')}`;
}

// A series' number: <prefix>/<YY-YY>/<seq>, seq zero-padded to 5 digits (longer only
// while the whole stays within 16 characters); null when it would not fit.
export function seriesNumber(prefix, fy, seq) {
  const n = String(seq).padStart(5, '0');
  const text = `${prefix}/${fy}/${n}`;
  return text.length <= 16 ? text : null;
}

const ONES = ['', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten',
  'Eleven', 'Twelve', 'Thirteen', 'Fourteen', 'Fifteen', 'Sixteen', 'Seventeen', 'Eighteen', 'Nineteen'];
const TENS = ['', '', 'Twenty', 'Thirty', 'Forty', 'Fifty', 'Sixty', 'Seventy', 'Eighty', 'Ninety'];

function belowHundred(n) {
  if (n < 20) return ONES[n];
  return [TENS[Math.floor(n / 10)], ONES[n % 10]].filter(Boolean).join(' ');
}

function belowThousand(n) {
  const parts = [];
  if (n >= 100) parts.push(`${ONES[Math.floor(n / 100)]} Hundred`);
  if (n % 100) parts.push(belowHundred(n % 100));
  return parts.join(' ');
}

// Indian numbering: crore (10^7), lakh (10^5), thousand, hundred. BigInt in, words out.
export function indianWords(value) {
  let n = BigInt(value);
  if (n === 0n) return 'Zero';
  const parts = [];
  const crore = n / 10000000n;
  n %= 10000000n;
  if (crore > 0n) parts.push(`${indianWords(crore)} Crore`);
  const lakh = Number(n / 100000n);
  n %= 100000n;
  if (lakh) parts.push(`${belowHundred(lakh)} Lakh`);
  const thousand = Number(n / 1000n);
  n %= 1000n;
  if (thousand) parts.push(`${belowHundred(thousand)} Thousand`);
  if (n > 0n) parts.push(belowThousand(Number(n)));
  return parts.join(' ');
}

// 12345650 paise -> "Rupees One Lakh Twenty Three Thousand Four Hundred Fifty Six and Fifty Paise Only"
export function amountInWords(paise) {
  let p = BigInt(paise);
  const neg = p < 0n;
  if (neg) p = -p;
  const rupees = p / 100n;
  const ps = Number(p % 100n);
  let text = `Rupees ${indianWords(rupees)}`;
  if (ps) text += ` and ${belowHundred(ps)} Paise`;
  return `${neg ? 'Minus ' : ''}${text} Only`;
}
