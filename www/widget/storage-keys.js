// Where the widget keeps things in the visitor's browser. The loader reads the two
// outboxes too (to deliver what an earlier page view left), so the names live here once.

/** localStorage: tickets and follow-ups not yet acknowledged by the endpoint. */
export const OUTBOX_KEY = 'deflect:outbox';
/** localStorage: each accepted ticket's token ({ticket id: token}), which its
 *  follow-ups and screenshots must carry; kept as long as the outbox. */
export const TOKENS_KEY = 'deflect:ticket-tokens';
/** localStorage: analytics events not yet acknowledged. */
export const EVENTS_KEY = 'deflect:events';
/** sessionStorage: the conversation, so it survives navigation within the site. */
export const CONVERSATION_KEY = 'deflect:conversation';
