// Benchmark agent for the timeline: replies that look like a coding assistant's (prose, lists, a
// TypeScript block, a table), about 2 KB each and different per turn so nothing is cached by text.
import { Context, DspatchEngine } from 'dspatch';

const dspatch = new DspatchEngine();

function reply(k: number): string {
  const rows = Array.from(
    { length: 10 },
    (_, i) => `| step-${k}-${i} | ${(k * 7 + i) % 97} ms | ${i % 2 ? 'ok' : 'retry'} |`,
  );
  return [
    `### Part ${k}: the store layer`,
    '',
    `Here is what changed in part ${k}. The writer keeps one transaction per tick, so a burst of deltas costs one fsync, and readers page through the session by position. The numbers below come from run ${k}.`,
    '',
    '- The queue is drained once per tick, never per delta.',
    `- Chunks are folded into the message when turn ${k} ends.`,
    '- Readers never see a half-written row.',
    '',
    '```ts',
    `export function drain${k}(queue: Op[], db: Database): number {`,
    '  let written = 0;',
    '  const insert = db.prepare("INSERT INTO chunks (entry_id, text) VALUES (?, ?)");',
    '  db.transaction(() => {',
    '    for (const op of queue) {',
    `      if (op.kind !== 'append') continue; // part ${k}`,
    '      insert.run(op.entryId, op.text);',
    '      written += op.text.length;',
    '    }',
    '  })();',
    '  queue.length = 0;',
    '  return written;',
    '}',
    '```',
    '',
    '| step | time | result |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '',
    `#### Why part ${k} works this way`,
    '',
    `A delta is a few characters, and a model sends hundreds of them a second. Writing each one as its own statement would turn every token into a disk write; instead the writer collects what arrived during a tick (16 ms) and writes it in one transaction. The cost per tick does not grow with the message: text is appended as a chunk row and only folded into the message when the turn ends, which is why run ${k} stayed flat at ${(k * 13) % 41} ms per tick while the reply grew.`,
    '',
    `Readers page by \`(session_id, position)\`, so the first page of a long session costs the same as the last. The renderer asks for 200 entries at a time and keeps the ones it already has; a reconnect re-opens the snapshot and applies only events with a newer sequence number, so nothing shows twice and nothing is missed. Part ${k} checked this with a session of ${1000 + k} entries.`,
    '',
    '```python',
    `def replay_${k}(events, snapshot_seq):`,
    '    """Apply only what the snapshot does not already reflect."""',
    '    applied = []',
    '    for event in sorted(events, key=lambda e: e.seq):',
    '        if event.seq <= snapshot_seq:',
    '            continue',
    '        applied.append(event)',
    '    return applied',
    '```',
    '',
    `That is all for part ${k}; the next part looks at how the renderer pages through the history without reading the whole session, and at what the timeline does with rows it has not measured yet. ~~The old plan~~ is gone; see https://example.com/part-${k} for the notes.`,
  ].join('\n');
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

dspatch.agent(Context, async function* transcript(prompt, ctx) {
  while (prompt !== undefined) {
    const stream = /^stream (\d+)$/.exec(prompt);
    if (stream) {
      // About 4 ms a word: a fast model's pace.
      const id = ctx.newMessageId();
      const text = Array.from({ length: Number(stream[1]) }, (_, i) => reply(i)).join('\n\n');
      for (const word of text.split(/(?<=\s)/)) {
        ctx.message(word, { id, isDelta: true });
        await pause(4);
      }
    } else {
      const k = Number.parseInt(prompt, 10);
      if (k % 3 === 0) {
        const callId = `call_${k}`;
        ctx.activity('tool_call', {
          name: 'read_file',
          arguments: JSON.stringify({ path: `src/store/part-${k}.ts` }),
          callId,
        });
        ctx.activity('tool_result', {
          name: 'read_file',
          output: `// part ${k}\n${'export const x = 1;\n'.repeat(40)}`,
          callId,
        });
      }
      ctx.message(reply(k));
    }
    prompt = yield;
  }
});

dspatch.run();
