// Assistant text as markdown, one memoized part per block (split-stable.ts). While the message
// streams, only its last block is parsed again per token, without highlighting; a finished block
// is highlighted once, when the page is idle, and comes from the cache afterwards.
import { MarkdownPart, onMarkdownClick } from '../../components/markdown';
import { splitBlocks } from './split-stable';

export function StreamingMarkdown({ text, streaming }: { text: string; streaming: boolean }) {
  const blocks = splitBlocks(text);
  const last = blocks.length - 1;
  return (
    <div className={streaming ? 'markdown streaming' : 'markdown'} onClick={onMarkdownClick}>
      {blocks.map((block, index) => (
        // Blocks only ever grow at the end: the index is a stable key.
        <MarkdownPart key={index} text={block} finished={!streaming || index < last} />
      ))}
      {streaming ? <span className="caret" aria-hidden="true" /> : null}
    </div>
  );
}
