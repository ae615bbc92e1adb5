// What the composer allows in each session state, and how it explains itself.
import type { RunStatus, SessionState } from '../../../electron/api/types';

export interface ComposerMode {
  canSend: boolean;
  /** The agent is working: what the user writes waits in a queue and is sent when the session is idle. */
  canQueue: boolean;
  /** The send button becomes Stop (`sessions.interrupt`). */
  showStop: boolean;
  placeholder: string;
  /** One line under the timeline; empty when there is nothing to say. */
  stateText: string;
}

export function composerMode(
  state: SessionState | null,
  runStatus: RunStatus | null,
  agent: string,
): ComposerMode {
  switch (state) {
    case null:
      return { canSend: false, canQueue: false, showStop: false, placeholder: 'Loading the conversation…', stateText: '' };
    case 'idle':
      return {
        canSend: true,
        canQueue: false,
        showStop: false,
        placeholder: `Message ${agent}… (Enter to send, Shift+Enter for a new line)`,
        stateText: '',
      };
    case 'generating':
      return {
        canSend: false,
        canQueue: true,
        showStop: true,
        placeholder: `${agent} is working — type to queue your next message`,
        stateText: 'Working…',
      };
    case 'waiting_for_agent':
      return {
        canSend: false,
        canQueue: true,
        showStop: true,
        placeholder: `${agent} is waiting for another agent — type to queue your next message`,
        stateText: 'Waiting for another agent…',
      };
    case 'waiting_for_inquiry':
      return {
        canSend: false,
        canQueue: false,
        showStop: false,
        placeholder: 'Answer the question above to continue',
        stateText: 'Waiting for your answer',
      };
    case 'crashed':
      // The session view offers Restart beside this line (`sessions.restart`).
      return {
        canSend: true,
        canQueue: false,
        showStop: false,
        placeholder: `${agent} crashed — press Restart, or send a message to restart it`,
        stateText: 'The agent crashed.',
      };
    case 'stopped':
      return runStatus === 'running'
        ? {
            canSend: true,
            canQueue: false,
            showStop: false,
            placeholder: 'Send a message to resume this conversation',
            stateText: 'Stopped — send a message to resume',
          }
        : {
            canSend: false,
            canQueue: false,
            showStop: false,
            placeholder: 'The workspace is not running — launch it to continue this conversation',
            stateText: 'Stopped — launch the workspace to continue',
          };
  }
}
