// Branches: code, name, GST state, address and optional GSTIN.

import { field, values } from './components.js';
import { crudPage, changed, opt } from './crud.js';
import { rules } from './validate.js';
import { STATES } from './states.js';

export function stateOptions(blank = 'Choose a state') {
  return [['', blank], ...STATES.map(([c, n]) => [c, `${c} · ${n}`])];
}

export function stateName(code) {
  const s = STATES.find(([c]) => c === code);
  return s ? `${code} · ${s[1]}` : (code || '—');
}

export function renderBranches(main) {
  crudPage(main, {
    title: 'Branches',
    noun: 'branch',
    path: '/api/v1/branches',
    writePerm: 'org.branches:write',
    label: (r) => `${r.code} ${r.name}`,
    columns: [
      { label: 'Code', render: (r) => r.code },
      { label: 'Name', render: (r) => r.name },
      { label: 'State', render: (r) => stateName(r.state_code) },
      { label: 'GSTIN', render: (r) => r.gstin || '—' },
      { label: 'Address', render: (r) => r.address || '—' },
    ],
    fields: (r) => [
      field({ name: 'code', label: 'Code', required: true, value: r?.code, transform: 'upper', hint: '2–10 capital letters or digits, e.g. MUM01', validate: rules.branchCode }),
      field({ name: 'name', label: 'Name', required: true, value: r?.name, validate: (v) => (v.trim() ? null : { message: 'name is required' }) }),
      field({ name: 'state_code', label: 'GST state', type: 'select', required: true, value: r?.state_code, options: stateOptions(), validate: rules.stateCode }),
      field({ name: 'gstin', label: 'GSTIN (optional)', value: r?.gstin, transform: 'upper', validate: rules.gstin }),
      field({ name: 'address', label: 'Address', type: 'textarea', value: r?.address, wide: true }),
    ],
    body: (f, r) => {
      const v = values(f);
      return changed({ code: v.code, name: v.name, state_code: v.state_code, gstin: opt(v.gstin), address: v.address }, r);
    },
  });
}
