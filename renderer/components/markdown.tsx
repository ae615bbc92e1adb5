// Markdown for agent text and inquiries. react-markdown renders no raw HTML, and its default
// URL transform drops javascript: and other unsafe links. Links open outside the app.
import { memo } from 'react';
import Markdown from 'react-markdown';
import type { Components } from 'react-markdown';

const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  ),
  pre: ({ children }) => (
    // Focusable so a long line can be scrolled with the keyboard.
    <pre tabIndex={0}>{children}</pre>
  ),
  img: ({ src, alt }) =>
    typeof src === 'string' && src.startsWith('data:') ? (
      <img src={src} alt={alt ?? ''} />
    ) : (
      <span>{alt ? `[image: ${alt}]` : '[image]'}</span>
    ),
};

export function MarkdownText({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown components={components}>{text}</Markdown>
    </div>
  );
}

/** Re-renders only when the text changes: used for the finished head of a streaming message. */
export const MemoMarkdown = memo(function MemoMarkdown({ text }: { text: string }) {
  return <Markdown components={components}>{text}</Markdown>;
});

export const MarkdownBlock = memo(MarkdownText);
