// Markdown for agent text, inquiries and template READMEs, rendered to HTML by markdown-render.ts
// (escaped and filtered there) and set as innerHTML: far cheaper than one React element per
// highlighted token. Finished text is highlighted off the critical path; its HTML, plain until
// then, is cached by text, so a row rendered again or scrolled back into view is not parsed again.
// The code blocks' Copy buttons are plain HTML; one click handler on the container serves them.
import { memo, useEffect, useReducer } from 'react';
import type { MouseEvent } from 'react';
import { copyText } from './copy-button';
import { COPIED_ICON, COPY_ICON } from './copy-icons';
import { LruCache } from './lru-cache';
import { markdownToHtml } from './markdown-render';
import 'katex/dist/katex.min.css';

/** Highlighted HTML of finished markdown by text: about a thousand blocks or messages, a few MB at most. */
const highlightedCache = new LruCache<string, string>(1000);
/** The same without highlighting, for finished text shown before the highlighter has run. */
const plainCache = new LruCache<string, string>(1000);

/** The HTML of finished markdown, from `cache` or parsed once into it. */
function cachedHtml(cache: LruCache<string, string>, text: string, highlight: boolean): string {
  let html = cache.get(text);
  if (html === undefined) {
    html = markdownToHtml(text, highlight);
    cache.set(text, html);
  }
  return html;
}
const plainHtml = (text: string) => cachedHtml(plainCache, text, false);
const highlightedHtml = (text: string) => cachedHtml(highlightedCache, text, true);

/** Runs `work` when the page is idle (within a second at the latest); returns a cancel function. */
function whenIdle(work: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(work, { timeout: 1000 });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(work, 50);
  return () => clearTimeout(timer);
}

// While the app is idle after it starts, not in the first conversation the user opens: compile
// the parser's and the highlighter's code, the autolink pattern and the TypeScript grammar.
const WARM_UP =
  '### Warm up\n\n*Some* **bold**, ~~gone~~ and `code`, $x^2$, https://example.com\n\n' +
  '- [x] a\n\n| a |\n| - |\n| 1 |\n\n```ts\nconst a = 1;\n```';
whenIdle(() => markdownToHtml(WARM_UP, true));
// Then lay its text out once, hidden: the first text in bold, italic, a heading or code costs the
// browser its fonts (about 10 ms). Not its math, which would fetch KaTeX's fonts.
whenIdle(() => {
  const sample = document.createElement('div');
  sample.className = 'msg';
  sample.setAttribute('aria-hidden', 'true');
  sample.style.cssText = 'position: fixed; left: 0; top: 0; width: 600px; visibility: hidden';
  sample.innerHTML = `<div class="markdown">${markdownToHtml(WARM_UP.replace('$x^2$', 'x'), false)}</div><div class="msg-meta">took 1 s</div>`;
  document.body.append(sample);
  void sample.offsetHeight;
  sample.remove();
});

/** The click handler for a `.markdown` container: copies the code block whose button was pressed. */
export function onMarkdownClick(event: MouseEvent<HTMLElement>): void {
  const button = (event.target as Element).closest<HTMLButtonElement>('button[data-copy="code"]');
  const code = button?.closest('.code-frame')?.querySelector('pre code');
  if (!button || !code) return;
  void copyText((code.textContent ?? '').replace(/\n$/, '')).then(() => {
    button.classList.add('copied');
    button.innerHTML = COPIED_ICON;
    setTimeout(() => {
      button.classList.remove('copied');
      button.innerHTML = COPY_ICON;
    }, 1500);
  });
}

/**
 * One piece of a message (display: contents). Finished text shows highlighted from the cache; not
 * yet highlighted, it shows plain at once and is highlighted when the page is idle, so opening or
 * scrolling a long session, or a block finishing while a reply streams, never waits for the
 * highlighter. Colours do not change the layout: the row keeps its height.
 */
export const MarkdownPart = memo(function MarkdownPart({
  text,
  finished,
}: {
  text: string;
  finished: boolean;
}) {
  const cached = finished ? highlightedCache.get(text) : undefined;
  const [, highlighted] = useReducer((count: number) => count + 1, 0);
  useEffect(() => {
    if (!finished || cached !== undefined) return;
    return whenIdle(() => {
      highlightedHtml(text);
      highlighted();
    });
  }, [text, finished, cached]);
  const html = cached ?? (finished ? plainHtml(text) : markdownToHtml(text, false));
  return <div className="md-part" dangerouslySetInnerHTML={{ __html: html }} />;
});

export function MarkdownText({ text }: { text: string }) {
  return (
    <div className="markdown" onClick={onMarkdownClick}>
      <MarkdownPart text={text} finished />
    </div>
  );
}

export const MarkdownBlock = memo(MarkdownText);
