// Benchmark: what task extraction costs the chat. An agent streams at a model's pace (one delta every
// 5 ms) through a real `dspatch serve`; we measure agent → client delay first with extraction off,
// then while passes run over 5 conversations with 160 pending messages each (the fixture model
// answers every pass with 30 tool calls after 20 ms). Also: rows the extraction writes per second.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastUserText, startFakeOpenAI, toolOutputs, type RecordedRequest, type Turn } from '../fixtures/openai-server';
import { percentile, repoRoot, serveHost, tempDir } from './bench-utils';

const DELTAS = 1500;
const EVERY_MS = 5;
const SESSIONS = 5;
const TURNS_PER_SESSION = 80; // user + reply: 160 messages each

const fake = await startFakeOpenAI({
  responder: async (request: RecordedRequest): Promise<Turn> => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (toolOutputs(request).length > 0) return { toolCalls: [{ name: 'finish', arguments: {} }] };
    const prompt = lastUserText(request) ?? '';
    const asked = [...prompt.matchAll(/<message id=(\d+) from=user>\n(.*)/g)].slice(0, 10);
    const existing = (prompt.match(/^Task \d+ \(/gm) ?? []).length;
    return {
      toolCalls: asked.flatMap(([, id, text], index) => [
        { name: 'insert_task', arguments: { after_task_order: existing + index, task_description: text } },
        { name: 'append_messages_to_task', arguments: { task_order: existing + index + 1, message_id_range: [Number(id), Number(id) + 1] } },
        { name: 'append_task_progress', arguments: { task_order: existing + index + 1, progress: `Answered: ${text}` } },
      ]),
    };
  },
});

const dataDir = tempDir('dspatch-bench-tasks-');
const cli = join(repoRoot, 'bin', 'dspatch.cjs');
const added = spawnSync(process.execPath, [cli, 'templates', 'add', join(repoRoot, 'test/bench/templates/ticker'), '--data-dir', dataDir], { encoding: 'utf8' });
if (added.status !== 0) throw new Error(`templates add failed: ${added.stderr}`);
const workspaceDir = tempDir('dspatch-bench-tasks-ws-');
writeFileSync(join(workspaceDir, 'dspatch.workspace.yml'), 'name: bench-tasks\nagents:\n  ticker:\n    template: bench-ticker\n  echo:\n    template: echo\n');

const host = await serveHost(dataDir);
await host.call('apiKeys.set', { name: 'bench-extractor', value: 'sk-bench-extractor-0123456789' });
await host.call('tasks.updateSettings', { enabled: false, baseUrl: fake.baseURL, apiKeyName: 'bench-extractor', model: 'bench-extractor', maxPending: 16, idleSeconds: 0.1 });
const workspace = await host.launch(workspaceDir);
const ticker = workspace.sessions.find((session) => session.agentKey === 'ticker')!;

const idle = new Map<string, () => void>();
let delays: number[] = [];
let boards = 0;
host.onEvent((event, at) => {
  if (event.type === 'task.updated') boards++;
  if (event.type !== 'session.event') return;
  const change = event.change as { type: string; text?: string; state?: string; entry?: { kind: string; role: string; text: string; status: string } };
  let text = '';
  if (change.type === 'append') text = change.text ?? '';
  // A message's first entry carries its first deltas; later entries of it only change its status.
  else if (change.type === 'entry' && change.entry?.kind === 'message' && change.entry.role === 'assistant' && change.entry.status === 'streaming') text = change.entry.text;
  if (event.sessionId === ticker.id) for (const stamp of text.split('|')) if (stamp) delays.push(at - Number(stamp));
  if (change.type === 'state' && change.state === 'idle') idle.get(event.sessionId as string)?.();
});

async function turn(sessionId: string, text: string): Promise<void> {
  const done = new Promise<void>((resolve) => idle.set(sessionId, resolve));
  await host.call('sessions.send', { sessionId, text });
  await done;
}

// Conversations for the extractor to read, written while extraction is off.
const echoSessions = await Promise.all(Array.from({ length: SESSIONS }, () => host.call<{ id: string }>('sessions.create', { workspaceId: workspace.id, agentKey: 'echo' })));
await Promise.all(echoSessions.map(async (session) => {
  for (let i = 0; i < TURNS_PER_SESSION; i++) await turn(session.id, `Request ${i} of ${session.id.slice(-4)}`);
}));

await turn(ticker.id, `${DELTAS} ${EVERY_MS}`);
const without = delays;
delays = [];

const started = performance.now();
await host.call('tasks.updateSettings', { enabled: true });
await turn(ticker.id, `${DELTAS} ${EVERY_MS}`);
const withExtraction = delays;
// Let every pass finish, then count what they wrote.
for (;;) {
  const boardsNow = await Promise.all(echoSessions.map((session) => host.call<{ messages: { pending: number; running: number } }>('tasks.board', { sessionId: session.id })));
  if (boardsNow.every((board) => board.messages.pending === 0 && board.messages.running === 0)) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const seconds = (performance.now() - started) / 1000;
host.close();
await fake.close();

const db = new Database(join(dataDir, 'dspatch.db'), { readonly: true });
const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
const tasks = count('SELECT COUNT(*) AS n FROM tasks');
const linked = count("SELECT COUNT(*) AS n FROM messages WHERE extraction = 'success'");
const usageRows = count("SELECT COUNT(*) AS n FROM usage WHERE source = 'tasks'");
db.close();
const rows = tasks + linked + usageRows;

console.log(`Task extraction beside a streaming chat (1 delta / ${EVERY_MS} ms, ${DELTAS} deltas a turn)`);
console.log(`  delay agent → client, extraction off     p50 ${percentile(without, 50).toFixed(1)} ms   p99 ${percentile(without, 99).toFixed(1)} ms`);
console.log(`  delay agent → client, passes running     p50 ${percentile(withExtraction, 50).toFixed(1)} ms   p99 ${percentile(withExtraction, 99).toFixed(1)} ms`);
console.log(`  extraction: ${SESSIONS * TURNS_PER_SESSION * 2} messages, ${fake.requests.length} model calls, ${boards} board updates in ${seconds.toFixed(2)} s`);
console.log(`  rows written: ${tasks} tasks + ${linked} messages marked + ${usageRows} usage rows = ${rows} (${Math.round(rows / seconds).toLocaleString()} rows/s, model latency included)`);
