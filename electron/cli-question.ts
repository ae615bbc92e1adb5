// `dspatch run` asking the agent's questions (inquiries) on a terminal: the question, its suggestions
// numbered, then one line typed by the user, a number picking a suggestion and anything else taken as
// the answer's text. It reads and writes the streams it is given (process.stdin and stdout in the
// CLI), so it works the same over a pipe, one answer a line.
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface Question {
  markdown: string;
  suggestions: string[];
}

export interface Answer {
  text: string;
  /** Set when the user picked a suggestion by its number (0-based, as inquiries.answer takes it). */
  suggestionIndex?: number;
}

/** Agent text must not drive the terminal: control characters but the line break become spaces. */
function printable(text: string): string {
  return text.replace(/[^\P{Cc}\n]/gu, ' ');
}

/** Reads the answer from the typed line: `2` picks the second suggestion, other text is the answer. */
export function answerFrom(line: string, suggestions: string[]): Answer | null {
  const text = line.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) {
    const index = Number(text) - 1;
    if (index >= 0 && index < suggestions.length) return { text: suggestions[index], suggestionIndex: index };
  }
  return { text };
}

export class TerminalQuestions {
  #lines: Interface | null = null;
  #iterator: AsyncIterator<string> | null = null;
  /** A read still waiting for a line when its question was given up: the next question takes it over. */
  #pendingLine: Promise<IteratorResult<string>> | null = null;
  /** Questions are asked one at a time, in the order they came. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {}

  /**
   * Asks `question` once the earlier ones are answered; resolves with the answer, or null when the
   * input ended (Ctrl-D, the pipe closed) or `signal` gave it up (answered elsewhere).
   */
  ask(question: Question, signal?: AbortSignal): Promise<Answer | null> {
    const asked = this.#queue.then(() => (signal?.aborted ? null : this.#ask(question, signal)));
    this.#queue = asked.catch(() => undefined);
    return asked;
  }

  async #ask({ markdown, suggestions }: Question, signal?: AbortSignal): Promise<Answer | null> {
    // Made on the first question, not before: until then the user's keys stay theirs, and what a pipe
    // already holds waits in it.
    this.#lines ??= createInterface({ input: this.input, output: this.output, terminal: isTty(this.input) && isTty(this.output) });
    this.#iterator ??= this.#lines[Symbol.asyncIterator]();
    const lines = [`\nThe agent asks:`, ...printable(markdown).split('\n').map((line) => `  ${line}`)];
    suggestions.forEach((suggestion, index) => lines.push(`  ${index + 1}. ${printable(suggestion).replace(/\n/g, ' ')}`));
    this.output.write(`${lines.join('\n')}\n`);
    this.#lines.setPrompt(suggestions.length ? `Answer (1-${suggestions.length}, or type your own): ` : 'Answer: ');
    this.#lines.resume();
    try {
      for (;;) {
        this.#lines.prompt();
        const read = (this.#pendingLine ??= this.#iterator.next());
        const next = await (signal ? Promise.race([read, aborted(signal)]) : read);
        if (next === 'aborted') {
          this.output.write('\n');
          return null;
        }
        this.#pendingLine = null;
        if (next.done) {
          this.output.write('\n');
          return null;
        }
        // A terminal shows what was typed; over a pipe the answer is written out so the transcript reads right.
        if (!this.#lines.terminal) this.output.write(`${next.value}\n`);
        const answer = answerFrom(next.value, suggestions);
        if (answer) return answer;
      }
    } finally {
      // Between questions the terminal is left alone (no echo of keys typed while the agent works).
      if (!this.#pendingLine) this.#lines.pause();
    }
  }

  close(): void {
    this.#lines?.close();
  }
}

function isTty(stream: Readable | Writable): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

function aborted(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}
