// The message box under the timeline. Enter sends, Shift+Enter adds a line. While the agent works
// the box stays editable: Enter (or Queue) queues the message for when the agent is idle, and Stop
// interrupts it. Queued messages are listed under the box, each removable.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { CallErrorBanner } from '../workspaces/missing-secret-action';
import type { ComposerMode } from './composer-mode';
import type { QueuedMessage } from './session-store';

interface ComposerProps {
  mode: ComposerMode;
  queued: readonly QueuedMessage[];
  onSend: (text: string) => Promise<void>;
  onQueue: (text: string) => void;
  onUnqueue: (id: number) => void;
  onStop: () => Promise<void>;
}

const MAX_HEIGHT = 240;

export function Composer({ mode, queued, onSend, onQueue, onUnqueue, onStop }: ComposerProps) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const editable = mode.canSend || mode.canQueue;
  const disabled = !editable || busy;

  // Grow with the text up to a limit, then scroll.
  useEffect(() => {
    const el = textarea.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [text]);

  // Give focus back when input becomes possible again, unless the user is elsewhere.
  useEffect(() => {
    if (mode.canSend && (document.activeElement === document.body || document.activeElement === null)) {
      textarea.current?.focus();
    }
  }, [mode.canSend]);

  async function send() {
    const message = text.trim();
    if (!message || disabled) return;
    if (!mode.canSend) {
      onQueue(message);
      setText('');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSend(message);
      setText('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function stop() {
    setBusy(true);
    setError(null);
    try {
      await onStop();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void send();
  }

  return (
    <div className="composer-wrap">
      {error ? <CallErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
      <form className={`composer${disabled ? ' disabled' : ''}`} onSubmit={onSubmit}>
        <textarea
          ref={textarea}
          className="composer-input"
          rows={1}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={mode.placeholder}
          disabled={!editable}
          aria-label="Message"
          data-testid="composer-input"
        />
        {mode.canSend ? (
          <button
            type="submit"
            className="btn btn-primary"
            disabled={disabled || !text.trim()}
            data-testid="composer-send"
            title="Send (Enter)"
          >
            {busy ? 'Sending…' : 'Send'}
          </button>
        ) : mode.canQueue ? (
          <button
            type="submit"
            className="btn"
            disabled={disabled || !text.trim()}
            data-testid="composer-queue"
            title="Send when the agent is done (Enter)"
          >
            Queue
          </button>
        ) : null}
        {mode.showStop ? (
          <button
            type="button"
            className="btn btn-stop"
            onClick={() => void stop()}
            disabled={busy}
            data-testid="composer-stop"
            title="Stop the agent (Esc)"
          >
            ■ Stop
          </button>
        ) : null}
      </form>
      {queued.length > 0 ? (
        <ul className="composer-queue" aria-label="Queued messages">
          {queued.map((item) => (
            <li key={item.id} className="composer-queued">
              <span className="queued-badge">queued</span>
              <span className="queued-text">{item.text}</span>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                aria-label={`Remove queued message: ${item.text.slice(0, 60)}`}
                onClick={() => onUnqueue(item.id)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
