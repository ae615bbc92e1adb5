// A plain textarea for YAML with a line-number gutter. Tab inserts two spaces (YAML has no tabs);
// Escape leaves the field as usual, so keyboard users are never trapped.
import { useImperativeHandle, useRef } from 'react';
import type { KeyboardEvent, Ref } from 'react';

export interface YamlEditorHandle {
  goToLine(line: number): void;
}

interface YamlEditorProps {
  value: string;
  onChange: (value: string) => void;
  readOnly?: boolean;
  testId?: string;
  label: string;
  rows?: number;
  ref?: Ref<YamlEditorHandle>;
}

export function YamlEditor(props: YamlEditorProps) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = Math.max(1, props.value.split('\n').length);

  useImperativeHandle(props.ref, () => ({
    goToLine(line: number) {
      const el = textarea.current;
      if (!el) return;
      const lines = props.value.split('\n');
      const start = lines.slice(0, Math.max(0, line - 1)).reduce((sum, text) => sum + text.length + 1, 0);
      const end = start + (lines[line - 1]?.length ?? 0);
      el.focus();
      el.setSelectionRange(start, end);
      const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 20;
      el.scrollTop = Math.max(0, (line - 4) * lineHeight);
    },
  }));

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key !== 'Tab' || event.shiftKey || props.readOnly) return;
    event.preventDefault();
    const el = event.currentTarget;
    const { selectionStart, selectionEnd, value } = el;
    const next = `${value.slice(0, selectionStart)}  ${value.slice(selectionEnd)}`;
    props.onChange(next);
    requestAnimationFrame(() => el.setSelectionRange(selectionStart + 2, selectionStart + 2));
  }

  return (
    <div className="yaml-editor">
      <div className="yaml-gutter mono" ref={gutter} aria-hidden="true">
        {Array.from({ length: lineCount }, (_, i) => (
          <div key={i}>{i + 1}</div>
        ))}
      </div>
      <textarea
        ref={textarea}
        className="yaml-text mono"
        value={props.value}
        readOnly={props.readOnly}
        onChange={(event) => props.onChange(event.target.value)}
        onKeyDown={onKeyDown}
        onScroll={(event) => {
          if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
        }}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        aria-label={props.label}
        rows={props.rows ?? 18}
        wrap="off"
        data-testid={props.testId}
      />
    </div>
  );
}
