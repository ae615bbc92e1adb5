// The terminal side of `dspatch run`'s questions, over real streams: what the user sees, and how a
// typed line becomes an answer.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answerFrom, TerminalQuestions } from '../../../electron/cli-question';

function streams() {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
  return { input, output, written: () => written };
}

describe('answerFrom', () => {
  it('takes a number as the suggestion it names, anything else as the text', () => {
    expect(answerFrom('2', ['red', 'blue'])).toEqual({ text: 'blue', suggestionIndex: 1 });
    expect(answerFrom(' 1 ', ['red', 'blue'])).toEqual({ text: 'red', suggestionIndex: 0 });
    expect(answerFrom('3', ['red', 'blue'])).toEqual({ text: '3' });
    expect(answerFrom('0', ['red'])).toEqual({ text: '0' });
    expect(answerFrom('green, please', ['red', 'blue'])).toEqual({ text: 'green, please' });
    expect(answerFrom('   ', ['red'])).toBeNull();
  });
});

describe('TerminalQuestions', () => {
  it('shows the question with numbered suggestions and reads the answer', async () => {
    const io = streams();
    const questions = new TerminalQuestions(io.input, io.output);
    const answer = questions.ask({ markdown: 'Which colour?\nPick one.', suggestions: ['red', 'blue'] });
    io.input.write('2\n');
    expect(await answer).toEqual({ text: 'blue', suggestionIndex: 1 });
    expect(io.written()).toBe('\nThe agent asks:\n  Which colour?\n  Pick one.\n  1. red\n  2. blue\nAnswer (1-2, or type your own): 2\n');
    questions.close();
  });

  it('asks again after an empty line, and asks queued questions in order from lines that came at once', async () => {
    const io = streams();
    const questions = new TerminalQuestions(io.input, io.output);
    io.input.write('\nfirst answer\nsecond answer\n');
    const first = questions.ask({ markdown: 'One?', suggestions: [] });
    const second = questions.ask({ markdown: 'Two?', suggestions: ['yes'] });
    expect(await first).toEqual({ text: 'first answer' });
    expect(await second).toEqual({ text: 'second answer' });
    expect(io.written()).toBe(
      '\nThe agent asks:\n  One?\nAnswer: \nAnswer: first answer\n' + '\nThe agent asks:\n  Two?\n  1. yes\nAnswer (1-1, or type your own): second answer\n',
    );
    questions.close();
  });

  it('gives null when the input ends', async () => {
    const io = streams();
    const questions = new TerminalQuestions(io.input, io.output);
    const answer = questions.ask({ markdown: 'Anyone?', suggestions: [] });
    io.input.end();
    expect(await answer).toBeNull();
  });

  it('gives a question up when it is answered elsewhere; the next one gets the line typed after', async () => {
    const io = streams();
    const questions = new TerminalQuestions(io.input, io.output);
    const controller = new AbortController();
    const first = questions.ask({ markdown: 'First?', suggestions: [] }, controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await first).toBeNull();
    const second = questions.ask({ markdown: 'Second?', suggestions: ['a', 'b'] });
    io.input.write('1\n');
    expect(await second).toEqual({ text: 'a', suggestionIndex: 0 });
    questions.close();
  });

  it('keeps control characters of the agent\'s text off the terminal', async () => {
    const io = streams();
    const questions = new TerminalQuestions(io.input, io.output);
    const answer = questions.ask({ markdown: 'Clear \x1b[2Jscreen?', suggestions: ['ok\x07'] });
    io.input.write('ok\n');
    await answer;
    expect(io.written()).not.toContain('\x1b');
    expect(io.written()).not.toContain('\x07');
    expect(io.written()).toContain('Clear  [2Jscreen?');
    questions.close();
  });
});
