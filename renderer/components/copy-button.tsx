// Copying text, and a small icon button that does it and shows a check mark for a moment. Icon
// only, so the text of what it sits in (a message's innerText) stays that text.
import { useEffect, useState } from 'react';
import { COPIED_ICON, COPY_ICON } from './copy-icons';

/** Served over plain http from another machine the Clipboard API is missing (not a secure context): a selected textarea then. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Not available or not allowed here: fall through.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/** `text` is read when pressed; it may have to be fetched first. */
export function CopyButton({ text, label }: { text: () => string | Promise<string>; label: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className={`copy-button${copied ? ' copied' : ''}`}
      aria-label={label}
      title={label}
      onClick={() =>
        void Promise.resolve(text())
          .then(copyText)
          .then(
            () => setCopied(true),
            () => undefined, // nothing to copy: the caller shows why
          )
      }
      dangerouslySetInnerHTML={{ __html: copied ? COPIED_ICON : COPY_ICON }}
    />
  );
}
