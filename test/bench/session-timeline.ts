// Benchmark: what opening a long conversation costs. Two sessions of a real `dspatch serve` are
// filled through the host's own write path (SessionWriter: user message, streamed reply, a tool
// call now and then, turn end), one with 100 messages and one with 5,000; then, over the WebSocket,
// `sessions.open` of each as the renderer asks for it (medians), and the whole 5,000-message history
// loaded page by page the way the chat's "Load earlier" does it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../../agents/protocol';
import { Redactor } from '../../electron/host/redactor';
import { SessionWriter, type SessionRef } from '../../electron/host/session-writer';
import { Store } from '../../electron/store/store';
import { HISTORY_PAGE as PAGE, SNAPSHOT_ENTRIES } from '../../renderer/features/chat/session-store';
import { percentile, serveHost, tempDir } from './bench-utils';

const SHORT = 100;
const LONG = 5000;
const OPENS = 30;
const PAGINGS = 7;

const dataDir = tempDir('dspatch-bench-timeline-');
const workspaceDir = tempDir('dspatch-bench-timeline-ws-');
writeFileSync(join(workspaceDir, 'dspatch.workspace.yml'), 'name: bench-timeline\nagents:\n  echo:\n    template: echo\n');

// The sessions are made by the host; the host then stops so this process can write them.
let host = await serveHost(dataDir);
const workspace = await host.launch(workspaceDir);
const short = workspace.sessions[0];
const long = await host.call<{ id: string }>('sessions.create', { workspaceId: workspace.id, agentKey: 'echo' });
await host.stop();

const store = Store.open(dataDir);
const writer = new SessionWriter(store, new Redactor(), () => {});
function seed(sessionId: string, messages: number): void {
  const ref: SessionRef = { sessionId, workspaceId: workspace.id, agentKey: 'echo', runId: null };
  for (let turn = 0; turn < messages / 2; turn++) {
    const turnId = newId();
    writer.writeMessage({ sessionId, turnId, role: 'user', text: `Question ${turn}: what about the next part of the plan?`, sender: null });
    if (turn % 10 === 0) {
      writer.activity(ref, turnId, newId(), 'thinking', { text: 'Considering ' }, false);
      const callId = `call_${turn}`;
      writer.activity(ref, turnId, newId(), 'tool_call', { tool: 'get_current_time', arguments: '{}', callId }, false);
      writer.activity(ref, turnId, newId(), 'tool_result', { tool: 'get_current_time', output: '12:00', callId }, false);
    }
    const messageId = newId();
    for (const word of `Answer ${turn}: here is the next part of the plan, step by step, with the details that matter.`.split(/(?<= )/)) {
      writer.text(ref, turnId, messageId, 'assistant', word, true);
    }
    writer.turnDone(ref, turnId, 'done');
    writer.flush();
  }
}
seed(short.id, SHORT);
seed(long.id, LONG);
writer.close();
store.close();

host = await serveHost(dataDir);
type Entry = { id: string; kind: string };
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

// Both with the snapshot the renderer asks for (SNAPSHOT_ENTRIES ≤ SHORT's entries): the same amount
// of data, so a difference is the cost of the longer history.
const opens: Record<string, number[]> = { [short.id]: [], [long.id]: [] };
for (let i = 0; i < OPENS; i++) {
  for (const sessionId of [short.id, long.id]) opens[sessionId].push((await timed(() => host.call('sessions.open', { sessionId, limit: SNAPSHOT_ENTRIES }))).ms);
}

const pagings: number[] = [];
let loaded = 0;
for (let i = 0; i < PAGINGS; i++) {
  const { ms, result } = await timed(async () => {
    const snapshot = await host.call<{ entries: Entry[]; hasMore: boolean }>('sessions.open', { sessionId: long.id, limit: SNAPSHOT_ENTRIES });
    let entries = snapshot.entries;
    let hasMore = snapshot.hasMore;
    while (hasMore) {
      const page = await host.call<{ entries: Entry[]; hasMore: boolean }>('sessions.history', { sessionId: long.id, beforeEntryId: entries[0].id, limit: PAGE });
      entries = [...page.entries, ...entries];
      hasMore = page.hasMore;
    }
    return entries;
  });
  pagings.push(ms);
  loaded = result.filter((entry) => entry.kind === 'message').length;
}
host.close();

const spread = (values: number[]) => `median ${percentile(values, 50).toFixed(1)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)})`;
const openShort = percentile(opens[short.id], 50);
const openLong = percentile(opens[long.id], 50);
console.log(`Session timeline over the WebSocket of a real dspatch serve (${OPENS} opens of ${SNAPSHOT_ENTRIES} entries each, ${PAGINGS} full pagings)`);
console.log(`  sessions.open at ${SHORT} messages      ${spread(opens[short.id])}`);
console.log(`  sessions.open at ${LONG.toLocaleString()} messages    ${spread(opens[long.id])}`);
console.log(`  ratio 5,000 / 100                ${(openLong / openShort).toFixed(2)}×   goal ≤ 1.2×`);
console.log(`  whole history, ${PAGE} a page       ${spread(pagings)}   goal < 150 ms (${loaded.toLocaleString()} messages loaded)`);
if (loaded !== LONG) throw new Error(`paging loaded ${loaded} messages, expected ${LONG}`);
process.exit(0);
