// The redactor on streamed text: a secret split across pieces at every possible boundary is
// blanked, text that only looks like the start of a secret comes through unchanged, and what is
// held back at the end of a stream is released or blanked.
import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../../electron/host/redactor';

function stream(redactor: Redactor, pieces: string[]): string {
  let out = '';
  let held = '';
  for (const piece of pieces) {
    const next = redactor.redactPiece(held, piece);
    out += next.text;
    held = next.held;
  }
  return out + redactor.release(held);
}

const SECRET = 'sk-live-0123456789abcdef';

describe('Redactor.redactPiece', () => {
  it('blanks a secret cut at every boundary into two pieces, and in pieces of every size', () => {
    const redactor = new Redactor();
    redactor.add(SECRET);
    const text = `before ${SECRET} after`;
    for (let cut = 0; cut <= text.length; cut++) {
      expect(stream(redactor, [text.slice(0, cut), text.slice(cut)])).toBe(`before ${REDACTED} after`);
    }
    for (let size = 1; size <= 8; size++) {
      const pieces = text.match(new RegExp(`[^]{1,${size}}`, 'g'))!;
      expect(stream(redactor, pieces)).toBe(`before ${REDACTED} after`);
    }
  });

  it('blanks the longer of two secrets where one starts the other, and several in one stream', () => {
    const redactor = new Redactor();
    redactor.add('abcd1234');
    redactor.add('abcd1234xyz9');
    expect(stream(redactor, ['x abcd12', '34xy', 'z9 and abcd', '1234.'])).toBe(`x ${REDACTED} and ${REDACTED}.`);
  });

  it('passes text through unchanged, and whole, when it only resembles a secret’s start', () => {
    const redactor = new Redactor();
    redactor.add(SECRET);
    expect(stream(redactor, ['an sk', '-li', 've wire'])).toBe('an sk-live wire');
    // A short held tail at the end of the stream is released as it was.
    expect(stream(redactor, ['ends with sk-'])).toBe('ends with sk-');
    // A longer one could be most of the secret: it is blanked.
    expect(stream(redactor, ['ends with sk-live-0123'])).toBe(`ends with ${REDACTED}`);
  });

  it('holds nothing back when no secret is known', () => {
    expect(new Redactor().redactPiece('', 'sk-live-0')).toEqual({ text: 'sk-live-0', held: '' });
  });
});
