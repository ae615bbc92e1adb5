// Benchmark: exporting a long conversation. A 5,000-message session (a reasoning step and a tool call
// with its result every tenth turn) is written through the host's own write path, then exported as
// Markdown and as JSON over the WebSocket of a real `dspatch serve`, every page fetched; and one
// conversation holding a single 8-million-character reply, to show the paging (pages, largest frame).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../../agents/protocol';
import { Redactor } from '../../electron/host/redactor';
import { SessionWriter, type SessionRef } from '../../electron/host/session-writer';
import { Store } from '../../electron/store/store';
import { percentile, serveHost, tempDir } from './bench-utils';

const MESSAGES = 5000;
const RUNS = 7;
const HUGE_CHARS = 8_000_000;

const dataDir = tempDir('dspatch-bench-export-');
const workspaceDir = tempDir('dspatch-bench-export-ws-');
writeFileSync(
  join(workspaceDir, 'dspatch.workspace.yml'),
  'name: bench-export\nagents:\n  echo:\n    template: echo\n',
);

let host = await serveHost(dataDir);
const workspace = await host.launch(workspaceDir);
const long = workspace.sessions[0];
const huge = await host.call<{ id: string }>('sessions.create', {
  workspaceId: workspace.id,
  agentKey: 'echo',
});
await host.stop();

const store = Store.open(dataDir);
const writer = new SessionWriter(store, new Redactor(), () => {});
const ref: SessionRef = { sessionId: long.id, workspaceId: workspace.id, agentKey: 'echo', runId: null };
for (let turn = 0; turn < MESSAGES / 2; turn++) {
  const turnId = newId();
  writer.writeMessage({
    sessionId: long.id,
    turnId,
    role: 'user',
    text: `Question ${turn}: what about the next part of the plan?`,
    sender: null,
  });
  if (turn % 10 === 0) {
    writer.activity(
      ref,
      turnId,
      newId(),
      'thinking',
      { text: 'Considering the plan and what the user asked before.' },
      false,
    );
    writer.activity(
      ref,
      turnId,
      newId(),
      'tool_call',
      { tool: 'read_file', arguments: '{"path":"src/plan.md"}', callId: `call_${turn}` },
      false,
    );
    writer.activity(
      ref,
      turnId,
      newId(),
      'tool_result',
      { tool: 'read_file', output: '# Plan\n```ts\nconst x = 1;\n```\n'.repeat(20), callId: `call_${turn}` },
      false,
    );
  }
  writer.text(
    ref,
    turnId,
    newId(),
    'assistant',
    `Answer ${turn}: here is the next part of the plan, step by step, with the details that matter.`,
    false,
  );
  writer.turnDone(ref, turnId, 'done');
  writer.flush();
}
const hugeRef: SessionRef = { ...ref, sessionId: huge.id };
const hugeTurn = newId();
writer.writeMessage({
  sessionId: huge.id,
  turnId: hugeTurn,
  role: 'user',
  text: 'Print the whole log.',
  sender: null,
});
writer.text(
  hugeRef,
  hugeTurn,
  newId(),
  'assistant',
  'log line \u0001 with a control character\n'.repeat(HUGE_CHARS / 40),
  false,
);
writer.turnDone(hugeRef, hugeTurn, 'done');
writer.close();
store.close();

host = await serveHost(dataDir);
type Page = { content: string; exportId: string | null; nextOffset: number | null };
async function exportAll(
  sessionId: string,
  format: 'md' | 'json',
): Promise<{ ms: number; chars: number; pages: number; largestFrame: number }> {
  const started = performance.now();
  let chars = 0;
  let pages = 0;
  let largestFrame = 0;
  let request: Record<string, unknown> = { sessionId, format };
  for (;;) {
    const page = await host.call<Page>('sessions.export', request);
    chars += page.content.length;
    pages++;
    largestFrame = Math.max(largestFrame, Buffer.byteLength(JSON.stringify(page)));
    if (page.nextOffset === null) break;
    request = { sessionId, format, exportId: page.exportId, offset: page.nextOffset };
  }
  return { ms: performance.now() - started, chars, pages, largestFrame };
}

const results: Record<string, number[]> = { md: [], json: [] };
let sizes: Record<string, number> = {};
for (let i = 0; i < RUNS; i++) {
  for (const format of ['md', 'json'] as const) {
    const run = await exportAll(long.id, format);
    results[format].push(run.ms);
    sizes = { ...sizes, [format]: run.chars };
  }
}
const big = await exportAll(huge.id, 'json');
host.close();

const spread = (values: number[]) =>
  `median ${percentile(values, 50).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`;
const mb = (n: number) => `${(n / 1_000_000).toFixed(1)} M`;
console.log(
  `Export over the WebSocket of a real dspatch serve, ${MESSAGES.toLocaleString()} messages (${RUNS} runs each)`,
);
console.log(`  Markdown   ${spread(results.md)}   ${mb(sizes.md)} characters   goal < 1000 ms`);
console.log(`  JSON       ${spread(results.json)}   ${mb(sizes.json)} characters   goal < 1000 ms`);
console.log(
  `  one ${mb(HUGE_CHARS)}-character reply as JSON: ${big.ms.toFixed(0)} ms, ${big.pages} pages, largest frame ${mb(big.largestFrame)}B (cap 16.8 MB)`,
);
process.exit(0);
