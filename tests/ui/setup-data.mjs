// Users the browser tests sign in as (created by setup.mjs).
export const STAFF = { email: 'staff@acme.test', password: 'Lotus-Pond#2026', name: 'Sita Staff' };
export const EXPIRED = { email: 'old@acme.test', password: 'Monsoon-Rain#2026', name: 'Olu Oldpass' };
// The tax-documents tests' user: admin (org.*, so the company profile and branches) and
// accountant (sales.*, so invoices, notes and payments). Its own account keeps the
// owner's sign-ins (5 per 15 minutes) for ui.test.mjs.
export const ACCOUNTS = { email: 'accounts@acme.test', password: 'Tamarind-Grove#2026', name: 'Anil Accounts' };

// Tax documents (tests/ui/tax.test.mjs). The company PAN is the one inside the GSTIN of
// ui.test.mjs's MUM01 branch (27AAPFU0939F1ZV), so either file may run first.
export const COMPANY = {
  legal_name: 'Acme Traders Private Limited', trade_name: 'Acme Traders', pan: 'AAPFU0939F',
  registered_address: '12 Marine Drive, Mumbai 400020', account: '123456789012', ifsc: 'HDFC0001234',
  bank_name: 'HDFC Bank', upi_id: 'acmetraders@hdfcbank', terms: 'Payment within 30 days. Goods once sold are taken back only against a credit note.',
};
// Karnataka branch: GSTIN chars 3–12 are the company PAN; the other one carries someone else's PAN.
export const TAX_BRANCH = { code: 'BLR01', name: 'Bengaluru Depot', state: '29', gstin: '29AAPFU0939F1ZR', foreignGstin: '29AABCS1429B1ZQ', address: '45 Residency Road, Bengaluru 560025' };
export const TAX_CUSTOMERS = {
  regular: { name: 'Kaveri Stores', gstin: '29AABCK1234F1ZV', address: '8 Chickpet, Bengaluru 560053' },
  sez: { name: 'Whitefield SEZ Unit', gstin: '29AABCW5678G1ZT', address: 'Plot 3, EPIP Zone, Whitefield, Bengaluru 560066' },
  export: { name: 'Gulf Imports LLC', address: 'PO Box 1234, Dubai, UAE' },
};
export const TAX_ITEM = { sku: 'TEA-1', name: 'Assam tea 1 kg', hsn_sac: '0902', unit: 'KG', unit_price_paise: 50000, gst_rate_bp: 500 };
// The daily-use fixes' tests (tests/ui/usability.test.mjs): admin (users, branches),
// accountant (invoices, notes, bills) and hr_manager (Reveal), with its own sign-ins.
export const UX = { email: 'ux@acme.test', password: 'Jasmine-Vine#2026', name: 'Uma Usability' };
// A user limited to one branch, made by usability.test.mjs through the API.
export const LIMITED = { email: 'surat@acme.test', password: 'Mango-Grove#2026', name: 'Suresh Surat' };
