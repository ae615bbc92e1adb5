// Messages queued while the agent works, kept per conversation in localStorage so a reload (or a
// crash of the tab) does not lose what the user typed. Nothing secret-shaped is special here: the
// user typed it into this browser, and it leaves localStorage as soon as it is sent or removed.
const PREFIX = 'dspatch.queued.';
/** A queue is the user's typing, not a store: bound it so a runaway loop cannot fill the origin's quota. */
const MAX_QUEUED = 50;

export function loadQueued(sessionId: string): string[] {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(PREFIX + sessionId) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((text): text is string => typeof text === 'string' && text.length > 0).slice(0, MAX_QUEUED) : [];
  } catch {
    return []; // unreadable (edited by hand, or storage disabled): start with an empty queue
  }
}

export function saveQueued(sessionId: string, texts: readonly string[]): void {
  try {
    if (texts.length === 0) globalThis.localStorage?.removeItem(PREFIX + sessionId);
    else globalThis.localStorage?.setItem(PREFIX + sessionId, JSON.stringify(texts.slice(0, MAX_QUEUED)));
  } catch {
    // Storage full or disabled: the queue still works for this page, it just won't survive a reload.
  }
}
