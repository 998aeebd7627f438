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

// paise -> "1234.50" for an input field
export function paiseToInput(p) {
  if (p === null || p === undefined) return '';
  const n = BigInt(p);
  return `${n / 100n}.${(n % 100n).toString().padStart(2, '0')}`;
}

// One line: {quantityMilli, unitPricePaise, discountPaise, rateBp}, intra-state flag.
export function lineTax(line, intraState) {
  const gross = divRound(BigInt(line.quantityMilli) * BigInt(line.unitPricePaise), 1000n);
  const taxable = gross - BigInt(line.discountPaise || 0);
  const rate = BigInt(line.rateBp || 0);
  let cgst = 0n;
  let sgst = 0n;
  let igst = 0n;
  if (intraState) {
    cgst = divRound(taxable * rate, 20000n);
    sgst = cgst;
  } else {
    igst = divRound(taxable * rate, 10000n);
  }
  return { gross, taxable, cgst, sgst, igst, total: taxable + cgst + sgst + igst };
}

export function invoiceTotals(lines, intraState) {
  const t = { taxable: 0n, cgst: 0n, sgst: 0n, igst: 0n };
  const perLine = lines.map((l) => lineTax(l, intraState));
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
