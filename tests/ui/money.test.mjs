// Unit tests of the UI's invoice arithmetic and validators (no browser needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divRound, lineTax, invoiceTotals, billTotals, parseQuantityMilli, quantityJson, parseRupees, amountInWords, indianWords } from '../../ui/js/money.js';
import { rules, verhoeffValid, gstinCheckChar } from '../../ui/js/validate.js';

test('rounding is half away from zero', () => {
  assert.equal(divRound(5n, 10n), 1n);
  assert.equal(divRound(4n, 10n), 0n);
  assert.equal(divRound(-5n, 10n), -1n);
  assert.equal(divRound(-4n, 10n), 0n);
  assert.equal(divRound(15n, 10n), 2n);
  assert.equal(divRound(-15n, 10n), -2n);
});

test('line tax: intra-state splits CGST/SGST, inter-state IGST', () => {
  const l = { quantityMilli: 2500n, unitPricePaise: 125050n, discountPaise: 0n, rateBp: 1800 };
  const intra = lineTax(l, true);
  assert.equal(intra.taxable, 312625n);
  assert.equal(intra.cgst, 28136n); // 28136.25
  assert.equal(intra.sgst, 28136n);
  const inter = lineTax(l, false);
  assert.equal(inter.igst, 56273n); // 56272.5 rounds up
  const tiny = lineTax({ quantityMilli: 1n, unitPricePaise: 500n, discountPaise: 0n, rateBp: 1800 }, true);
  assert.equal(tiny.taxable, 1n); // 0.5 paise rounds away from zero
});

test('invoice totals round to the nearest rupee', () => {
  const t = invoiceTotals([
    { quantityMilli: 2500n, unitPricePaise: 125050n, discountPaise: 0n, rateBp: 1800 },
    { quantityMilli: 3000n, unitPricePaise: 9999n, discountPaise: 1000n, rateBp: 500 },
  ], true);
  assert.equal(t.taxable, 341622n);
  assert.equal(t.cgst, 28861n);
  assert.equal(t.roundOff, -44n);
  assert.equal(t.grand, 399300n);
  const half = invoiceTotals([{ quantityMilli: 1000n, unitPricePaise: 150n, discountPaise: 0n, rateBp: 0 }], false);
  assert.equal(half.grand, 200n); // ₹1.50 → ₹2
});

test('bill totals: input tax credit of eligible lines only; on reverse charge the vendor is owed the taxable value', () => {
  const lines = [
    { quantityMilli: 2500n, unitPricePaise: 32000n, discountPaise: 0n, rateBp: 1800 },
    { quantityMilli: 1000n, unitPricePaise: 25000n, discountPaise: 5000n, rateBp: 1800, itc: 'blocked' },
  ];
  const t = billTotals(lines, 'intra');
  assert.deepEqual([t.taxable, t.cgst, t.sgst, t.igst, t.roundOff, t.grand], [100000n, 9000n, 9000n, 0n, 0n, 118000n]);
  assert.deepEqual([t.itc.cgst, t.itc.sgst, t.itc.total], [7200n, 7200n, 14400n]);
  const rc = billTotals([{ quantityMilli: 1000n, unitPricePaise: 500000n, discountPaise: 0n, rateBp: 1800 }], 'inter', true);
  assert.deepEqual([rc.taxable, rc.igst, rc.grand, rc.itc.igst], [500000n, 90000n, 500000n, 90000n]);
  // ₹100.60 on reverse charge: the tax is shown, the vendor is owed the taxable value rounded to the rupee.
  const odd = billTotals([{ quantityMilli: 1000n, unitPricePaise: 10060n, discountPaise: 0n, rateBp: 500 }], 'intra', true);
  assert.deepEqual([odd.cgst, odd.sgst, odd.roundOff, odd.grand], [252n, 252n, 40n, 10100n]);
});

test('quantities and rupee amounts parse exactly', () => {
  assert.equal(parseQuantityMilli('2.5'), 2500n);
  assert.equal(parseQuantityMilli('0.001'), 1n);
  assert.equal(parseQuantityMilli('1.2345'), null);
  assert.equal(parseQuantityMilli('0'), null);
  assert.equal(parseQuantityMilli('-1'), null);
  assert.equal(quantityJson(2500n), 2.5);
  assert.equal(quantityJson(3000n), 3);
  assert.equal(parseRupees('1,250.5'), 125050n);
  assert.equal(parseRupees(''), null);
  assert.equal(parseRupees('12.345'), undefined);
});

test('amount in words uses lakh and crore', () => {
  assert.equal(amountInWords(399300n), 'Rupees Three Thousand Nine Hundred Ninety Three Only');
  assert.equal(amountInWords(12345678950n), 'Rupees Twelve Crore Thirty Four Lakh Fifty Six Thousand Seven Hundred Eighty Nine and Fifty Paise Only');
  assert.equal(amountInWords(100000n * 100n + 5n), 'Rupees One Lakh and Five Paise Only');
  assert.equal(amountInWords(0n), 'Rupees Zero Only');
  assert.equal(indianWords(1000000000n), 'One Hundred Crore');
});

test('validators mirror the server rules', () => {
  assert.equal(rules.pan('ABCPE1234F'), null);
  assert.equal(rules.pan('ABCD1234F').code, 'invalid_format');
  assert.equal(rules.aadhaar('234123412346'), null);
  assert.equal(rules.aadhaar('234123412347').code, 'invalid_checksum');
  assert.equal(rules.aadhaar('134123412346').code, 'invalid_format');
  assert.ok(verhoeffValid('999941057058'));
  assert.equal(rules.ifsc('HDFC0001234'), null);
  assert.equal(rules.ifsc('HDFC1001234').code, 'invalid_format');
  assert.equal(gstinCheckChar('27AAPFU0939F1Z'), 'V');
  assert.equal(rules.gstin('27AAPFU0939F1ZV'), null);
  assert.equal(rules.gstin('27AAPFU0939F1ZW').code, 'invalid_checksum');
  assert.equal(rules.accountNumber('12345678').code, 'too_short');
});

// Supply types (docs/tax-documents.md): SEZ is inter-state even within the state, LUT means no tax.
test('tax modes: intra, inter, SEZ, export and zero-rated under LUT', async () => {
  const m = await import('../../ui/js/money.js');
  assert.equal(m.taxMode('29', '29', 'regular', false), 'intra');
  assert.equal(m.taxMode('29', '27', 'unregistered', false), 'inter');
  assert.equal(m.taxMode('29', '29', 'sez', false), 'inter');
  assert.equal(m.taxMode('29', '29', 'sez', true), 'zero');
  assert.equal(m.taxMode('29', '96', 'export', true), 'zero');
  assert.equal(m.taxMode('29', '96', 'export', false), 'inter');
  const line = { quantityMilli: 2000n, unitPricePaise: 50000n, discountPaise: 0n, rateBp: 500 };
  assert.deepEqual(m.invoiceTotals([line], 'inter').igst, 5000n);
  const zero = m.invoiceTotals([line], 'zero');
  assert.equal(zero.igst + zero.cgst + zero.sgst, 0n);
  assert.equal(zero.grand, 100000n);
  assert.equal(m.taxModeOf({ supply_type: 'sez', lut: true }), 'zero');
  assert.equal(m.taxModeOf({ supply_type: 'regular', cgst_total_paise: 10 }), 'intra');
});

test('note lines in proportion; series numbers and financial years', async () => {
  const m = await import('../../ui/js/money.js');
  // 2 of 2.5 returned from a line worth ₹3,126.25: ₹2,501.00.
  assert.equal(m.proportionalTaxable(312625n, 2000n, 2500n), 250100n);
  assert.equal(m.proportionalTaxable(1n, 1n, 2n), 1n, 'halves away from zero');
  assert.equal(m.fyShort('2026-04-01'), '26-27');
  assert.equal(m.fyShort('2027-03-31'), '26-27');
  assert.equal(m.fyShort('2026-03-31'), '25-26');
  assert.equal(m.seriesNumber('HQ', '26-27', 1), 'HQ/26-27/00001');
  assert.equal(m.seriesNumber('PUNC', '26-27', 42), 'PUNC/26-27/00042');
  assert.equal(m.seriesNumber('HQ', '26-27', 1234567), 'HQ/26-27/1234567');
  assert.equal(m.seriesNumber('PUNC', '26-27', 123456), null, 'would exceed 16 characters');
});

test('manual journal lines: exactly one side above zero, totals in exact paise', async () => {
  const { journalLineAmount, journalTotals } = await import('../../ui/js/money.js');
  assert.deepEqual(journalLineAmount('1,250.50', ''), { debit: 125050n, credit: null, problem: null });
  assert.deepEqual(journalLineAmount('', '0.1'), { debit: null, credit: 10n, problem: null });
  assert.equal(journalLineAmount('', '').blank, true);
  assert.match(journalLineAmount('5', '5').problem, /not both/);
  assert.match(journalLineAmount('0', '').problem, /more than zero/);
  assert.match(journalLineAmount('1.234', '').problem, /debit must be an amount/);
  assert.match(journalLineAmount('', 'abc').problem, /credit must be an amount/);
  // 0.1 + 0.2 is exactly 0.3 here (no float).
  const t = journalTotals([{ debit: '0.10', credit: '' }, { debit: '0.20', credit: '' }, { debit: '', credit: '0.30' }]);
  assert.equal(t.diff, 0n);
  assert.equal(t.debit, 30n);
  const u = journalTotals([{ debit: '15000', credit: '' }, { debit: '', credit: '14999.99' }, { debit: 'x', credit: '' }]);
  assert.equal(u.diff, 1n);
  assert.deepEqual(u.invalid, [2]);
});

test('balances read Dr and Cr; the financial year starts on 1 April', async () => {
  const { fmtDrCr, fyStartIso } = await import('../../ui/js/util.js');
  assert.equal(fmtDrCr(12345678), '₹1,23,456.78 Dr');
  assert.equal(fmtDrCr(-500), '₹5.00 Cr');
  assert.equal(fmtDrCr(0), '₹0.00');
  assert.equal(fyStartIso('2026-12-03'), '2026-04-01');
  assert.equal(fyStartIso('2026-03-31'), '2025-04-01');
  assert.equal(fyStartIso('2026-04-01'), '2026-04-01');
});

test('journal messages: paise become rupees, the difference is in words', async () => {
  const { rupeeWords, differenceText, endedYears } = await import('../../ui/js/pages-books.js');
  assert.equal(rupeeWords('the amount must be from 1 to 10000000000000 paise'), 'the amount must be from ₹0.01 to ₹1,00,00,00,00,000.00');
  assert.equal(rupeeWords('debits (150000 paise) must equal credits (149999 paise)'), 'debits (₹1,500.00) must equal credits (₹1,499.99)');
  assert.equal(differenceText(0n), 'Difference ₹0.00');
  assert.equal(differenceText(1n), 'Debits exceed credits by ₹0.01');
  assert.equal(differenceText(-1500000n), 'Credits exceed debits by ₹15,000.00');
  assert.deepEqual(endedYears('2026-12-03', 3), ['2025-26', '2024-25', '2023-24']);
  assert.deepEqual(endedYears('2026-03-31', 1), ['2024-25']);
});
