// Unit tests of the UI's invoice arithmetic and validators (no browser needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divRound, lineTax, invoiceTotals, parseQuantityMilli, quantityJson, parseRupees, amountInWords, indianWords } from '../../ui/js/money.js';
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
