// talk_to conversations: which session of a peer a caller last talked to, kept across restarts so
// `continue_conversation: true` finds it again.
import type { Db } from './database';

export class TalkRepo {
  constructor(private readonly db: Db) {}

  /** The callee session of the caller's last conversation with `peerKey`, if any. */
  get(callerSessionId: string, peerKey: string): string | undefined {
    const row = this.db
      .prepare('SELECT callee_session_id AS id FROM talk_conversations WHERE caller_session_id = ? AND peer_key = ?')
      .get(callerSessionId, peerKey) as { id: string } | undefined;
    return row?.id;
  }

  set(callerSessionId: string, peerKey: string, calleeSessionId: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO talk_conversations (caller_session_id, peer_key, callee_session_id, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (caller_session_id, peer_key) DO UPDATE SET callee_session_id = excluded.callee_session_id, updated_at = excluded.updated_at`,
      )
      .run(callerSessionId, peerKey, calleeSessionId, now);
  }
}
