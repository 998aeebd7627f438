// Client-side mirrors of the server's field rules, for inline feedback while typing.
// The server stays the authority: its field errors are shown the same way.

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

export function verhoeffValid(digits) {
  let c = 0;
  const arr = String(digits).split('').map(Number).reverse();
  for (let i = 0; i < arr.length; i += 1) c = VERHOEFF_D[c][VERHOEFF_P[i % 8][arr[i]]];
  return c === 0;
}

const GST_STATES = new Set([
  ...Array.from({ length: 38 }, (_, i) => String(i + 1).padStart(2, '0')), '97', '99',
]);
const B36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function gstinCheckChar(first14) {
  if (!/^[0-9A-Z]{14}$/.test(first14)) return null;
  let sum = 0;
  for (let i = 0; i < 14; i += 1) {
    const product = B36.indexOf(first14[i]) * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return B36[(36 - (sum % 36)) % 36];
}

// Each check returns null when fine, or {code, message} like the server's field errors.
const err = (code, message) => ({ code, message });

export const rules = {
  pan(v) {
    const s = String(v || '').trim().toUpperCase();
    if (!s) return err('required', 'PAN is required');
    if (!/^[A-Z]{5}[0-9]{4}[A-Z]$/.test(s)) return err('invalid_format', 'PAN must be five letters, four digits and one letter (e.g. ABCPE1234F)');
    if (!"PCHFATBLJG".includes(s[3])) return err('invalid_value', 'the 4th character of a PAN is the holder type: one of P C H F A T B L J G');
    return null;
  },
  aadhaar(v) {
    const s = String(v || '').trim().replace(/ /g, '');
    if (!s) return err('required', 'Aadhaar number is required');
    if (!/^\d{12}$/.test(s)) return err('invalid_format', 'Aadhaar number must be 12 digits');
    if (s[0] === '0' || s[0] === '1') return err('invalid_format', 'Aadhaar number cannot start with 0 or 1');
    if (!verhoeffValid(s)) return err('invalid_checksum', 'Aadhaar number has an incorrect check digit');
    return null;
  },
  ifsc(v) {
    const s = String(v || '').trim().toUpperCase();
    if (!s) return err('required', 'IFSC is required');
    if (!/^[A-Z]{4}0[A-Z0-9]{6}$/.test(s)) return err('invalid_format', 'IFSC must be four letters, the digit 0, then six letters or digits');
    return null;
  },
  accountNumber(v) {
    const s = String(v || '').trim();
    if (!s) return err('required', 'account number is required');
    if (!/^\d+$/.test(s)) return err('invalid_format', 'account number may contain digits only');
    if (s.length < 9) return err('too_short', 'account number must have at least 9 digits');
    if (s.length > 18) return err('too_long', 'account number must have at most 18 digits');
    return null;
  },
  stateCode(v) {
    const s = String(v || '').trim();
    if (!s) return err('required', 'state code is required');
    if (!/^\d{2}$/.test(s)) return err('invalid_format', 'state code must be two digits');
    if (!GST_STATES.has(s)) return err('invalid_value', 'state code must be 01 to 38, 97 or 99');
    return null;
  },
  gstin(v) {
    const s = String(v || '').trim().toUpperCase();
    if (!s) return err('required', 'GSTIN is required');
    if (!/^[0-9A-Z]{15}$/.test(s)) return err('invalid_format', 'GSTIN must be 15 letters and digits');
    if (!GST_STATES.has(s.slice(0, 2))) return err('invalid_value', 'GSTIN must start with a valid two-digit state code');
    if (!/^[A-Z]{5}[0-9]{4}[A-Z]$/.test(s.slice(2, 12))) return err('invalid_format', 'characters 3 to 12 of a GSTIN must be a PAN');
    if (s[12] === '0') return err('invalid_format', 'character 13 of a GSTIN must be 1-9 or a letter');
    if (gstinCheckChar(s.slice(0, 14)) !== s[14]) return err('invalid_checksum', 'GSTIN has an incorrect check character');
    return null;
  },
  branchCode(v) {
    const s = String(v || '').trim();
    if (!s) return err('required', 'code is required');
    if (!/^[A-Z0-9]{2,10}$/.test(s)) return err('invalid_format', 'code must be 2 to 10 capital letters or digits');
    return null;
  },
  hsn(v) {
    const s = String(v || '').trim();
    if (!s) return err('required', 'HSN/SAC code is required');
    if (!/^(\d{4}|\d{6}|\d{8})$/.test(s)) return err('invalid_format', 'HSN/SAC code must be 4, 6 or 8 digits');
    return null;
  },
  email(v) {
    const s = String(v || '').trim();
    if (!s) return err('required', 'email is required');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) return err('invalid_format', 'enter an email address like name@example.com');
    return null;
  },
  slug(v) {
    const s = String(v || '');
    if (!s) return err('required', 'slug is required');
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(s)) return err('invalid_format', 'slug: 2–63 lower-case letters, digits or hyphens, not starting with a hyphen');
    return null;
  },
  password(v, email) {
    const s = String(v || '');
    if (s.length < 8) return err('too_short', 'at least 8 characters');
    if (s.length > 128) return err('too_long', 'at most 128 characters');
    if (!/[a-z]/.test(s) || !/[A-Z]/.test(s) || !/\d/.test(s) || !/[^A-Za-z0-9]/.test(s)) {
      return err('password_weak', 'use upper- and lower-case letters, a digit and a special character');
    }
    const local = String(email || '').split('@')[0].toLowerCase();
    if (local && local.length >= 3 && s.toLowerCase().includes(local)) return err('password_contains_email', 'must not contain your email name');
    return null;
  },
};

export const GST_RATES_BP = [0, 25, 300, 500, 1200, 1800, 2800, 4000];
