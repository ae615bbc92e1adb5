import { describe, expect, it } from 'vitest';
import { splitStable } from '../../../renderer/features/chat/split-stable';

describe('splitStable', () => {
  it('keeps everything in the tail until a paragraph ends', () => {
    expect(splitStable('Hello wor')).toEqual({ head: '', tail: 'Hello wor' });
  });

  it('cuts after the last blank line', () => {
    const text = 'First para.\n\nSecond para.\n\nThird is gro';
    const { head, tail } = splitStable(text);
    expect(head).toBe('First para.\n\nSecond para.\n\n');
    expect(tail).toBe('Third is gro');
    expect(head + tail).toBe(text);
  });

  it('never cuts inside an open code fence', () => {
    const text = 'Intro\n\n```ts\nconst a = 1;\n\nconst b = 2;\n';
    expect(splitStable(text)).toEqual({ head: 'Intro\n\n', tail: '```ts\nconst a = 1;\n\nconst b = 2;\n' });
  });

  it('cuts after a closed fence', () => {
    const text = '```\ncode\n\nmore\n```\n\nAfter';
    const { head, tail } = splitStable(text);
    expect(head).toBe('```\ncode\n\nmore\n```\n\n');
    expect(tail).toBe('After');
  });

  it('treats a shorter or different fence as content', () => {
    const text = '````\n```\n\ninner\n````\n\nx';
    expect(splitStable(text).tail).toBe('x');
    const tilde = '~~~\n```\n\n';
    expect(splitStable(tilde).head).toBe('');
  });
});
