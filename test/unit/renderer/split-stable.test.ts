import { describe, expect, it } from 'vitest';
import { splitBlocks } from '../../../renderer/features/chat/split-stable';

describe('splitBlocks', () => {
  it('keeps a growing paragraph as the last block', () => {
    expect(splitBlocks('Hello wor')).toEqual(['Hello wor']);
    expect(splitBlocks('First para.\n\n')).toEqual(['First para.\n\n']);
  });

  it('cuts where the next block starts after a blank line', () => {
    const text = 'First para.\n\nSecond para.\n\nThird is gro';
    expect(splitBlocks(text)).toEqual(['First para.\n\n', 'Second para.\n\n', 'Third is gro']);
    expect(splitBlocks(text).join('')).toBe(text);
  });

  it('never cuts inside an open code fence', () => {
    const text = 'Intro\n\n```ts\nconst a = 1;\n\nconst b = 2;\n';
    expect(splitBlocks(text)).toEqual(['Intro\n\n', '```ts\nconst a = 1;\n\nconst b = 2;\n']);
  });

  it('cuts after a closed fence', () => {
    const text = '```\ncode\n\nmore\n```\n\nAfter';
    expect(splitBlocks(text)).toEqual(['```\ncode\n\nmore\n```\n\n', 'After']);
  });

  it('treats a shorter or different fence as content', () => {
    expect(splitBlocks('````\n```\n\ninner\n````\n\nx').at(-1)).toBe('x');
    expect(splitBlocks('~~~\n```\n\nx')).toEqual(['~~~\n```\n\nx']);
  });

  it('keeps loose lists and indented continuations together', () => {
    expect(splitBlocks('- a\n\n- b\n\n  more of b\n')).toHaveLength(1);
    expect(splitBlocks('1. a\n\n2) b')).toHaveLength(1);
    expect(splitBlocks('- a\n\nNext')).toEqual(['- a\n\n', 'Next']);
  });

  it('keeps text with link or footnote definitions whole', () => {
    const text = 'See [the docs][d].\n\nMore.\n\n[d]: https://example.com';
    expect(splitBlocks(text)).toEqual([text]);
  });

  it('keeps a table whole and cuts around it', () => {
    const text = 'Intro\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter';
    expect(splitBlocks(text)).toEqual(['Intro\n\n', '| a | b |\n|---|---|\n| 1 | 2 |\n\n', 'After']);
  });
});
