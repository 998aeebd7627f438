// Creates the browser tests' users through the API (the tenant and its owner come
// from the CLI). Also ages one user's password so the expired-password flow shows.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const base = process.env.UI_BASE_URL;
const tenant = process.env.UI_TENANT;

import { STAFF, EXPIRED, ACCOUNTS, UX } from './setup-data.mjs';

async function call(method, url, token, body) {
  const res = await fetch(base + url, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const login = await call('POST', '/api/v1/auth/login', null, { tenant, email: process.env.UI_OWNER_EMAIL, password: process.env.UI_OWNER_PASSWORD });
const token = login.access_token;
// A custom role that may read employees but not reveal them.
await call('POST', '/api/v1/roles', token, { name: 'hr_clerk', description: 'Reads employee records (masked)', permissions: ['hr.employees:read', 'org.branches:read'] });
await call('POST', '/api/v1/users', token, { ...STAFF, roles: ['staff', 'hr_clerk'] });
const old = await call('POST', '/api/v1/users', token, { ...EXPIRED, roles: ['accountant'] });
await call('POST', '/api/v1/users', token, { ...ACCOUNTS, roles: ['admin', 'accountant'] });
await call('POST', '/api/v1/users', token, { ...UX, roles: ['admin', 'accountant', 'hr_manager'] });

const db = path.join(process.env.UI_DATA_DIR, 'tenants', tenant, 'tenant.db');
execFileSync('python3', ['-c', `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=10)
c.execute("UPDATE users SET password_changed_at = '2000-01-01T00:00:00Z' WHERE id = ?", (sys.argv[2],))
c.commit()
`, db, old.id]);
console.log('ui setup: users created');
