// Benchmark agent: streams at a steady pace like a model does (prompt "N MS": N deltas, one every MS
// milliseconds), each delta `|<send time ms>`, so the client can measure agent → client delay.
import { Context, DspatchEngine } from 'dspatch';

const dspatch = new DspatchEngine();
const now = () => performance.timeOrigin + performance.now();

dspatch.agent(Context, async (prompt, ctx) => {
  const [count, everyMs] = prompt.split(' ').map(Number);
  const id = ctx.newMessageId();
  for (let i = 0; i < count; i++) {
    ctx.message(`|${now().toFixed(3)}`, { id, isDelta: true });
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
});

dspatch.run();
