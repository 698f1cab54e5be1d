// Screenshots for a checklist: the visitor picks an image, it is uploaded at once to
// the ticket it belongs to (`PUT <ticket endpoint>/<ticket id>/attachments/<id>`: the
// id is made here, so a retry stores it once), and the answer becomes its reference,
// `attachment:<id>`. The inbox validates and re-encodes it; here only type and size are
// checked, to tell the visitor early.

import { h } from './dom.js';
import { uuid } from './uuid.js';
import { ticketEndpoint } from './settings.js';
import { TOKEN_HEADER, whenToken } from './ticket-tokens.js';

/** What the inbox accepts. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** A hung upload gives up, so "Send details" is never held forever. */
const UPLOAD_TIMEOUT_MS = 60000;
/** How long an upload waits for its ticket to be accepted (and its token known). */
const TOKEN_WAIT_MS = 15000;

/** A file input whose answer (`answerOf`) is the uploaded image's reference. */
export function screenshotControl(w) {
  const control = h('input', { type: 'file', accept: IMAGE_TYPES.join(',') });
  const status = h('p', { class: 'hint', 'aria-live': 'polite' });
  control.addEventListener('change', () => upload(w, control, status));
  return { control, extra: status };
}

/** The answer a control gives: an upload's reference, else what was typed. */
export function answerOf(control) {
  if (control.type === 'file') return control.dataset.attachment || '';
  return control.value.trim();
}

/** Whether an image is still on its way (the form waits for it). */
export const uploading = (control) => control.dataset.uploading === '1';

async function upload(w, control, status) {
  const { t, state } = w;
  delete control.dataset.attachment;
  const file = control.files && control.files[0];
  if (!file) return (status.textContent = '');
  if (!IMAGE_TYPES.includes(file.type)) return (status.textContent = t('imageType'));
  if (file.size > MAX_IMAGE_BYTES) return (status.textContent = t('imageSize'));
  const id = uuid();
  const base = ticketEndpoint(w).replace(/\/+$/, '');
  const url = `${base}/${encodeURIComponent(state.handoff.ticket_id)}/attachments/${id}`;
  control.dataset.uploading = '1';
  status.textContent = t('uploading');
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), UPLOAD_TIMEOUT_MS);
  try {
    // Once the ticket is accepted the upload needs its token; before, it needs none.
    const token = await whenToken(state.handoff.ticket_id, TOKEN_WAIT_MS);
    const headers = { 'Content-Type': file.type, ...(token ? { [TOKEN_HEADER]: token } : {}) };
    const res = await fetch(url, { method: 'PUT', headers, body: file, signal: abort.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    control.dataset.attachment = `attachment:${id}`;
    status.textContent = t('uploaded', { name: file.name });
  } catch {
    status.textContent = t('uploadFailed');
  } finally {
    clearTimeout(timeout);
    delete control.dataset.uploading;
    control.dispatchEvent(new Event('dfl-upload'));
  }
}
