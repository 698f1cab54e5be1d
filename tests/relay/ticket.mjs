// Tickets and follow-ups as the widget sends them (schema/ticket.v1.json,
// schema/follow-up.v2.json), for the relay's tests and benchmark: the same content as
// the Rust fixture `Ticket::example`.

import { randomUUID } from 'node:crypto';

const START = 1_767_000_000_000;

/** A complete ticket with the id `id`; `overrides` replace top-level fields. */
export function exampleTicket(id = randomUUID(), overrides = {}) {
  return {
    schema_version: 1,
    id,
    created_at_ms: START + 90_000,
    conversation_started_at_ms: START,
    kb_version: 'sha256-3f2a9c',
    customer: { email: 'ada@example.com', name: 'Ada', tier: 'vip', signature: null },
    page: {
      url: 'https://shop.example/orders/42',
      title: 'Order 42',
      referrer: 'https://shop.example/',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
      language: 'en-GB',
    },
    lang: 'en',
    transcript: [
      { at_ms: START, from: 'customer', text: 'I was charged twice, I want a refund' },
      { at_ms: START + 2_000, from: 'bot', text: 'Sorry about that. Let me get you to a person.' },
    ],
    articles_shown: [
      { id: 'refunds', title: 'How refunds work', at_ms: START + 1_000, confidence: 0.82, opened: true, helped: false },
    ],
    flow_path: [
      { flow_id: 'billing', step_id: 'which-charge', prompt: 'Which charge looks wrong?', answer: 'The second one', at_ms: START + 30_000 },
    ],
    details: { order_id: '42' },
    tags: ['billing', 'refund'],
    queue: 'Billing',
    priority: 'high',
    reason: 'Customer asked for a refund',
    needs_review: true,
    rules_fired: [
      { rule_id: 'refund-request', reason: 'Refunds need a human', text: 'I was charged twice, I want a refund', phrase: 'refund' },
    ],
    redactions: { card_numbers: 1 },
    ...overrides,
  };
}

/** The `n`th follow-up to `ticketId`, saying `text` (with `contact` when given). */
export function exampleFollowUp(ticketId, text, { n = 1, contact = null } = {}) {
  return {
    schema_version: 2,
    id: `${ticketId}-${n}`,
    ticket_id: ticketId,
    at_ms: START + 120_000,
    text,
    ...(contact ? { contact } : {}),
  };
}
