// Documents attached to an employee or an invoice: upload (multipart POST /files) and
// download (GET /files/{id}, sent as an attachment). Employee documents are ID proofs:
// downloading them needs hr.employees:reveal, so the button is hidden without it.

import { h, put, clear, fmtInstant } from './util.js';
import { api, download } from './api.js';
import { announce, busy, errorText, table, formErrorBox, applyProblem, clearErrors } from './components.js';

function sizeText(n) {
  if (n === undefined || n === null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

async function existingDocs(entity, entityId, record) {
  const inline = record?.documents || record?.files || record?.attachments;
  if (Array.isArray(inline)) return inline;
  try {
    const page = await api('GET', '/api/v1/files', { query: { entity, entity_id: entityId, limit: 200 } });
    return page.items || [];
  } catch {
    return [];
  }
}

export function documentsSection({ entity, entityId, record, canUpload, canDownload = true }) {
  const listArea = h('div', { 'aria-live': 'polite' });
  let docs = [];
  const draw = () => {
    put(clear(listArea), table([
      { label: 'File', render: (d) => d.filename || d.id },
      { label: 'Type', render: (d) => d.content_type || '—' },
      { label: 'Size', className: 'num', render: (d) => sizeText(d.size) },
      { label: 'Scan', render: (d) => d.scan || '—' },
      { label: 'Uploaded', render: (d) => fmtInstant(d.created_at) },
      { label: 'Download', className: 'actions', render: (d) => {
        if (!canDownload) return h('span.hint', 'needs reveal permission');
        const b = h('button.btn.btn-small', { type: 'button', 'aria-label': `Download ${d.filename || 'file'}` }, 'Download');
        b.addEventListener('click', async () => {
          try {
            await busy(b, 'Downloading…', () => download(`/api/v1/files/${d.id}`, d.filename));
          } catch (e) {
            announce(`Download failed: ${errorText(e)}`, 'error');
          }
        });
        return b;
      } },
    ], docs, { empty: 'No documents attached.' }));
  };
  existingDocs(entity, entityId, record).then((d) => { docs = d; draw(); });
  draw();
  let form = null;
  if (canUpload) {
    const fileInput = h('input', { type: 'file', id: `upload-${entity}`, name: 'file', 'data-field': 'file', accept: 'application/pdf,image/png,image/jpeg', 'aria-describedby': `upload-${entity}-hint upload-${entity}-err` });
    const submit = h('button.btn', { type: 'submit' }, 'Upload');
    form = h('form.upload-form', { novalidate: true }, formErrorBox(),
      h('div.field', h('label', { for: fileInput.id }, 'Attach a document'), fileInput,
        h('p.hint', { id: `upload-${entity}-hint` }, 'PDF, PNG or JPEG, up to 10 MiB. The type is checked from the content.'),
        h('p.field-error', { id: `upload-${entity}-err`, hidden: true })),
      h('div.form-actions', submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const file = fileInput.files && fileInput.files[0];
      if (!file) { applyProblem(form, { errors: [{ field: 'file', message: 'choose a file first' }] }); return; }
      const fd = new FormData();
      fd.append('entity', entity);
      fd.append('entity_id', entityId);
      fd.append('file', file, file.name);
      try {
        const saved = await busy(submit, 'Uploading…', () => api('POST', '/api/v1/files', { form: fd }));
        docs = [saved, ...docs.filter((d) => d.id !== saved.id)];
        draw();
        fileInput.value = '';
        announce(`Uploaded ${saved.filename || file.name}.`);
      } catch (e) {
        applyProblem(form, e);
      }
    });
  }
  return h('section.panel', { 'aria-labelledby': `docs-${entity}` }, h('h2', { id: `docs-${entity}` }, 'Documents'), listArea, form);
}
