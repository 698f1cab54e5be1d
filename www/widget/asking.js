// After the handoff, what a person needs to answer: a way to reply (email, optional
// name), then the issue type's checklist, each skippable. The engine decides what to
// ask and checks the answers; what is given reaches the ticket as follow-ups.

import { h } from './dom.js';
import { put, addRow, clearActions } from './log.js';
import { render, callEngine, focusAfterReply } from './replies.js';
import { field, markField, renderChecklist, EMAIL_RE } from './forms.js';

/** Shows the form for `asking` ({kind: 'contact'|'details', …}). */
export function renderAsking(w, asking) {
  if (asking.kind === 'contact') contactAsk(w, asking);
  else if (asking.kind === 'details') detailsAsk(w, asking.checklist);
}

/** Email (needed to send; "Continue without email" skips) and an optional name. */
function contactAsk(w, asking) {
  const { t, state } = w;
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email' });
  email.value = asking.email || state.customer.email || '';
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'name' });
  name.value = asking.name || state.customer.name || '';
  const emailField = field(w, t('replyEmail'), email, true);
  const nameField = field(w, t('name'), name, false);
  const skip = h('button', { type: 'button', class: 'ghost' }, t('noEmail'));
  const node = h(
    'form',
    { class: 'card contact-ask', novalidate: true, 'aria-label': t('whereReply') },
    h('h3', { text: t('whereReply') }),
    emailField.node,
    nameField.node,
    h('div', { class: 'choices' }, h('button', { type: 'submit', class: 'primary' }, t('sendEmail')), skip)
  );
  email.addEventListener('input', () => emailField.err.textContent && markField(email, emailField.err, ''));
  node.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = email.value.trim();
    if (!markField(email, emailField.err, EMAIL_RE.test(value) ? '' : t('needEmail'))) return email.focus();
    const reply = callEngine(w, () => state.engine.giveContact(value, name.value.trim() || undefined, Date.now()));
    if (!reply) return;
    if (Object.keys(reply.errors || {}).length) return render(w, reply);
    state.customer.email = value;
    if (name.value.trim()) state.customer.name = name.value.trim();
    clearActions(w);
    addRow(w, 'me', value);
    render(w, reply);
    focusAfterReply(w);
  });
  skip.addEventListener('click', () => {
    clearActions(w);
    addRow(w, 'me', t('noEmail'));
    render(w, callEngine(w, () => state.engine.giveContact(undefined, undefined, Date.now())));
    focusAfterReply(w);
  });
  state.form = { stepId: 'contact', node, fields: new Map([['email', { control: email, err: emailField.err }]]) };
  put(w, node);
  (email.value ? name : email).focus({ preventScroll: true });
}

/** The issue type's checklist, every question optional, with "Skip". */
function detailsAsk(w, checklist) {
  const { t, state } = w;
  const skip = h('button', { type: 'button', class: 'ghost' }, t('skip'));
  skip.addEventListener('click', () => {
    clearActions(w);
    addRow(w, 'me', t('skipped'));
    render(w, callEngine(w, () => state.engine.skipDetails(Date.now())));
    focusAfterReply(w);
  });
  renderChecklist(w, { step_id: `details:${checklist.id}`, checklist }, { optional: true, extra: skip });
}
