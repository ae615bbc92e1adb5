// Assistant text as markdown. While it streams, the finished head (up to the last paragraph break
// outside a code fence) is a memoized render that does not change per token; only the short tail
// is parsed again on each delta.
import { MemoMarkdown } from '../../components/markdown';
import { splitStable } from './split-stable';

export function StreamingMarkdown({ text, streaming }: { text: string; streaming: boolean }) {
  if (!streaming) {
    return (
      <div className="markdown">
        <MemoMarkdown text={text} />
      </div>
    );
  }
  const { head, tail } = splitStable(text);
  return (
    <div className="markdown streaming">
      {head ? <MemoMarkdown text={head} /> : null}
      <MemoMarkdown text={tail} />
      <span className="caret" aria-hidden="true" />
    </div>
  );
}
