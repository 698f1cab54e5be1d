// Forms in the log: a checklist (a flow step's, or after a handoff the issue type's;
// the engine validates it and the ticket carries the answers) and the contact form that
// reaches a person without the engine (it failed to load, or is still loading).

import { h } from './dom.js';
import { put, addRow, clearActions } from './log.js';
import { render, callEngine, focusAfterReply } from './replies.js';
import { handOffWithoutEngine } from './handoff.js';
import { screenshotControl, answerOf, uploading } from './attachments.js';

export const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A labelled field around `control`, with its error line (and `extra` below it, e.g.
 *  an upload's status); `{node, err}`. */
export function field(w, label, control, required, extra = null) {
  control.id = `dfl-f${++w.state.fieldSeq}`;
  if (required) control.setAttribute('aria-required', 'true');
  const err = h('p', { class: 'err', id: `${control.id}-err` });
  const mark = required ? h('span', { class: 'req', 'aria-hidden': 'true', text: '*' }) : null;
  return { node: h('div', { class: 'field' }, h('div', {}, h('label', { for: control.id, text: label }), mark), control, extra, err), err };
}

/** Shows `message` under `control` (or clears it); true when there is none. */
export function markField(control, err, message) {
  err.textContent = message || '';
  if (message) {
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', err.id);
  } else {
    control.removeAttribute('aria-invalid');
    control.removeAttribute('aria-describedby');
  }
  return !message;
}

/** The control for a checklist field of kind `f.kind`, and what goes under it. */
function controlFor(w, f) {
  if (f.kind === 'screenshot') return screenshotControl(w);
  return { control: inputFor(w, f), extra: null };
}

function inputFor(w, f) {
  if (f.kind === 'choice') {
    return h('select', { name: f.id }, h('option', { value: '', text: w.t('choose') }), ...(f.options || []).map((o) => h('option', { value: o, text: o })));
  }
  const type = f.kind === 'email' ? 'email' : f.kind === 'url' ? 'url' : 'text';
  const control = h('input', { name: f.id, type, autocomplete: type === 'email' ? 'email' : 'off' });
  if (f.kind === 'last4') Object.assign(control, { inputMode: 'numeric', maxLength: 4, pattern: '[0-9]{4}', autocomplete: 'off' });
  if (f.prefill === 'browser') control.value = navigator.userAgent;
  else if (f.prefill === 'page') control.value = location.href;
  else if (type === 'email' && w.state.customer.email) control.value = w.state.customer.email;
  return control;
}

/** A checklist (`step.checklist`); the engine checks the answers (errors come back in
 *  its reply). `optional`: after a handoff, where every question may be skipped;
 *  `extra`: a control beside "Send details" (e.g. "Skip"). */
export function renderChecklist(w, step, { optional = false, extra = null } = {}) {
  const { t, state } = w;
  const checklist = step.checklist;
  const fields = new Map();
  const node = h('form', { class: 'card', novalidate: true, 'aria-label': checklist.title || t('details') });
  if (checklist.title) node.append(h('h3', { text: checklist.title }));
  for (const f of checklist.fields || []) {
    const { control, extra: below } = controlFor(w, f);
    const { node: row, err } = field(w, f.label, control, f.required && !optional, below);
    node.append(row);
    fields.set(f.id, { control, err });
  }
  const send = h('button', { type: 'submit', class: 'primary' }, t('sendDetails'));
  node.append(extra ? h('div', { class: 'choices' }, send, extra) : send);
  // "Send details" waits for an image still uploading.
  const busy = () => [...fields.values()].some(({ control }) => uploading(control));
  const update = () => (send.disabled = busy());
  node.addEventListener('change', update);
  node.addEventListener('dfl-upload', update, true);
  node.addEventListener('submit', (e) => {
    e.preventDefault();
    if (busy()) return;
    const values = {};
    for (const [id, { control }] of fields) values[id] = answerOf(control);
    const reply = callEngine(w, () => state.engine.submitDetails(values, Date.now()));
    if (!reply) return;
    const accepted = !Object.keys(reply.errors || {}).length;
    if (accepted) {
      clearActions(w);
      addRow(w, 'me', t('sentDetails'));
    }
    render(w, reply);
    if (accepted) focusAfterReply(w);
  });
  state.form = { stepId: step.step_id, node, fields };
  put(w, node);
}

/** The engine's complaints about the checklist's answers, by field id; focus on the first. */
export function showErrors(w, errors) {
  let first = null;
  for (const [id, { control, err }] of w.state.form.fields) {
    if (!markField(control, err, errors[id])) first = first || control;
  }
  if (first) first.focus();
}

/** Email and message, then a ticket built without the engine. */
export function contactForm(w) {
  const { t, state, dom } = w;
  if (state.handoff || dom.log.querySelector('.card.contact')) return;
  clearActions(w);
  // After a question the message is optional: the transcript already says what is wrong.
  const asked = state.convo.log.some((m) => m.from === 'customer');
  const email = h('input', { type: 'email', autocomplete: 'email' });
  email.value = state.customer.email || '';
  const message = h('textarea', { rows: '3' });
  const emailField = field(w, t('email'), email, true);
  const messageField = field(w, asked ? t('addMore') : t('howHelp'), message, !asked);
  const node = h(
    'form',
    { class: 'card contact', novalidate: true, 'aria-label': t('contact') },
    h('h3', { text: t('leaveMessage') }),
    emailField.node,
    messageField.node,
    h('button', { type: 'submit', class: 'primary' }, t('sendPerson'))
  );
  email.addEventListener('input', () => emailField.err.textContent && markField(email, emailField.err, ''));
  message.addEventListener('input', () => messageField.err.textContent && markField(message, messageField.err, ''));
  node.addEventListener('submit', (e) => {
    e.preventDefault();
    const emailOk = markField(email, emailField.err, EMAIL_RE.test(email.value.trim()) ? '' : t('needEmail'));
    const messageOk = markField(message, messageField.err, asked || message.value.trim() ? '' : t('needMessage'));
    if (!emailOk) return email.focus();
    if (!messageOk) return message.focus();
    node.remove();
    handOffWithoutEngine(w, email.value.trim(), message.value.trim());
    dom.input.focus();
  });
  put(w, node);
  email.value ? message.focus() : email.focus();
}
