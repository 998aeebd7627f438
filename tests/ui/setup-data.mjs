// Users the browser tests sign in as (created by setup.mjs).
export const STAFF = { email: 'staff@acme.test', password: 'Lotus-Pond#2026', name: 'Sita Staff' };
export const EXPIRED = { email: 'old@acme.test', password: 'Monsoon-Rain#2026', name: 'Olu Oldpass' };
