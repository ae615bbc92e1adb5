// "Export" in a conversation's header: Markdown or JSON. On the desktop the host asks where with the
// native save dialog and writes the file; in browser mode the export arrives a page at a time (each
// fits one WebSocket frame) and is handed to the browser as a download.
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { HostClient } from '../../../electron/api/contract';
import { useServices } from '../../app-context';
import { errorMessage } from '../../api/host-call-error';

type Format = 'md' | 'json';

const FORMATS: { format: Format; label: string }[] = [
  { format: 'md', label: 'Markdown' },
  { format: 'json', label: 'JSON' },
];

/** Every page of the export, joined in a Blob, saved through a download link. */
async function download(client: HostClient, sessionId: string, format: Format): Promise<string> {
  const request = { sessionId, format };
  let page = await client.call('sessions.export', request);
  const parts = [page.content];
  while (page.nextOffset !== null && page.exportId !== null) {
    page = await client.call('sessions.export', {
      ...request,
      exportId: page.exportId,
      offset: page.nextOffset,
    });
    parts.push(page.content);
  }
  const url = URL.createObjectURL(new Blob(parts, { type: page.mimeType }));
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = page.filename;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The click has started the download; the browser keeps its own copy of the Blob.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
  return page.filename;
}

export function ExportMenu({
  sessionId,
  onError,
}: {
  sessionId: string;
  onError: (message: string) => void;
}) {
  const { client, transport } = useServices();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  // The save dialog can outlive the view that opened it.
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) close(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open, close]);

  async function exportAs(format: Format) {
    close(true);
    setBusy(true);
    setDone(null);
    try {
      if (transport === 'bridge') {
        const { path } = await client.call('app.saveExport', { sessionId, format });
        if (path && mounted.current) setDone(`Saved to ${path}`);
      } else {
        const filename = await download(client, sessionId, format);
        if (mounted.current) setDone(`Downloaded ${filename}`);
      }
    } catch (err) {
      if (mounted.current) onError(`The conversation could not be exported: ${errorMessage(err)}`);
    } finally {
      if (mounted.current) setBusy(false);
    }
  }

  function onMenuKey(event: KeyboardEvent<HTMLDivElement>) {
    const items = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (event.key === 'Tab') {
      close(false);
    }
  }

  return (
    <span className="export-menu">
      {done ? (
        <span className="muted small export-done" role="status">
          {done}
        </span>
      ) : null}
      <button
        type="button"
        className="btn btn-small"
        ref={buttonRef}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        disabled={busy}
        onClick={() => setOpen(!open)}
      >
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {open ? (
        <div
          className="export-menu-list"
          role="menu"
          id={menuId}
          aria-label="Export as"
          ref={menuRef}
          onKeyDown={onMenuKey}
        >
          {FORMATS.map(({ format, label }) => (
            <button
              key={format}
              type="button"
              role="menuitem"
              className="export-menu-item"
              onClick={() => void exportAs(format)}
            >
              {label}
            </button>
          ))}
        </div>
      ) : null}
    </span>
  );
}
