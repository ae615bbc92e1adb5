// The message box under the timeline. Enter sends, Shift+Enter adds a line; while the agent works
// the send button is a Stop button.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';
import { CallErrorBanner } from '../workspaces/missing-secret-action';
import type { ComposerMode } from './composer-mode';

interface ComposerProps {
  mode: ComposerMode;
  onSend: (text: string) => Promise<void>;
  onStop: () => Promise<void>;
}

const MAX_HEIGHT = 240;

export function Composer({ mode, onSend, onStop }: ComposerProps) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const disabled = !mode.canSend || busy;

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
    if (mode.showStop) void stop();
    else void send();
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
          disabled={!mode.canSend}
          aria-label="Message"
          data-testid="composer-input"
        />
        {mode.showStop ? (
          <button
            type="submit"
            className="btn btn-stop"
            disabled={busy}
            data-testid="composer-stop"
            title="Stop the agent (interrupt)"
          >
            ■ Stop
          </button>
        ) : (
          <button
            type="submit"
            className="btn btn-primary"
            disabled={disabled || !text.trim()}
            data-testid="composer-send"
            title="Send (Enter)"
          >
            {busy ? 'Sending…' : 'Send'}
          </button>
        )}
      </form>
    </div>
  );
}
