// The echo agent: streams each prompt back word by word. No model, no network.
import { Context, DspatchEngine } from 'dspatch';

const dspatch = new DspatchEngine();

// The turn's signal lives for the whole turn: each pause removes its listener when it ends, or a
// long reply piles up one per word (MaxListenersExceededWarning).
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

dspatch.agent(Context, async function* echo(prompt, ctx) {
  while (prompt !== undefined) {
    const slow = prompt.startsWith('/slow');
    const text = slow ? prompt.slice('/slow'.length).trim() : prompt;
    const id = ctx.newMessageId();
    const words = text.split(/(?<=\s)/);
    for (const word of words) {
      if (ctx.signal.aborted) break;
      ctx.message(word, { id, isDelta: true });
      await pause(slow ? 200 : 5, ctx.signal);
    }
    prompt = yield;
  }
});

dspatch.run();
