// Where the widget keeps things in the visitor's browser. The loader reads the two
// outboxes too (to deliver what an earlier page view left), so the names live here once.

/** localStorage: tickets and follow-ups not yet acknowledged by the endpoint. */
export const OUTBOX_KEY = 'deflect:outbox';
/** localStorage: analytics events not yet acknowledged. */
export const EVENTS_KEY = 'deflect:events';
/** sessionStorage: the conversation, so it survives navigation within the site. */
export const CONVERSATION_KEY = 'deflect:conversation';
