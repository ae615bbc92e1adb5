// Benchmark agent: the prompt is a number N; it sends N deltas of one message, each `|<send time ms>`,
// yielding to the event loop now and then so the IPC channel drains like a real stream would.
import { Context, DspatchEngine } from 'dspatch';

const dspatch = new DspatchEngine();
const now = () => performance.timeOrigin + performance.now();

dspatch.agent(Context, async (prompt, ctx) => {
  const count = Number(prompt);
  const id = ctx.newMessageId();
  for (let i = 0; i < count; i++) {
    ctx.message(`|${now().toFixed(3)}`, { id, isDelta: true });
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
});

dspatch.run();
