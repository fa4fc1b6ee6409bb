//! Actions of the open conversation that the inbox's keyboard shortcuts trigger.

export const shortcuts: { focusReply?: () => void; resolve?: () => void } = {};
