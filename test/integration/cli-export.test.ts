// `dspatch sessions export` as users run it: the built CLI in real processes on a data folder holding
// a real echo conversation. To standard output, to a file, to a path it cannot write (said plainly,
// exit 1, nothing left behind), and through a running `dspatch serve` for an export larger than one
// frame of its control socket.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../electron/serve/host-socket';
import { dspatch, killServers, serveProcess } from '../helpers/cli';
import { cleanupHarness, launchWorkspace, scratchDir, sendAndWait, startHost } from '../helpers/host-harness';
import { repoRoot } from '../helpers/paths';

const SECRET = 'echo-secret-Value-4711-abcdef';
let dataDir: string;
let sessionId: string;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-cli.js'], { cwd: repoRoot, stdio: 'pipe' });
  dataDir = scratchDir('dspatch-it-cli-export-');
  const t = await startHost({ dataDir });
  const launched = await launchWorkspace(t, 'name: cli-export\nagents:\n  echo:\n    template: echo\n');
  sessionId = launched.sessionId;
  await t.host.call('secrets.set', { workspaceId: launched.workspace.id, key: 'SOME_TOKEN', value: SECRET });
  await sendAndWait(t, sessionId, `Here is code:\n\`\`\`\nrm -rf /\n\`\`\`\nand my token ${SECRET}`);
  await t.close();
}, 120_000);

afterAll(async () => {
  killServers();
  await cleanupHarness();
});

describe('dspatch sessions export', () => {
  it('prints Markdown or JSON to standard output, secrets redacted', async () => {
    const md = await dspatch(['sessions', 'export', sessionId, '--format', 'md', '--data-dir', dataDir]);
    expect(md.stderr).toBe('');
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^## Turn 1 · /m);
    expect(md.stdout).toContain('**You:**\n\nHere is code:\n```\nrm -rf /\n```\nand my token [redacted]');
    expect(md.stdout).toContain('## Usage and cost');
    expect(md.stdout).not.toContain(SECRET);

    const json = await dspatch(['sessions', 'export', sessionId, '--format', 'json', '--data-dir', dataDir]);
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout) as {
      session: { id: string };
      messages: { role: string; content: string }[];
    };
    expect(document.session.id).toBe(sessionId);
    expect(document.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(json.stdout).not.toContain(SECRET);
  });

  it('writes the file with --out, the same bytes as standard output', async () => {
    const out = join(scratchDir('dspatch-it-out-'), 'chat.md');
    const written = await dspatch([
      'sessions',
      'export',
      sessionId,
      '--format',
      'md',
      '--out',
      out,
      '--data-dir',
      dataDir,
    ]);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    expect(written.stderr).toBe(`Exported to ${out}\n`);
    const printed = await dspatch(['sessions', 'export', sessionId, '--format', 'md', '--data-dir', dataDir]);
    // Only the "Exported" line differs between two runs.
    const strip = (text: string) => text.replace(/^- Exported: .*$/m, '');
    expect(strip(readFileSync(out, 'utf8'))).toBe(strip(printed.stdout));
  });

  it('says plainly when the path cannot be written, exits 1 and leaves nothing behind', async () => {
    const dir = scratchDir('dspatch-it-out-');
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'keep me');
    const result = await dspatch([
      'sessions',
      'export',
      sessionId,
      '--format',
      'md',
      '--out',
      join(file, 'chat.md'),
      '--data-dir',
      dataDir,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `dspatch: Could not write the export to ${join(file, 'chat.md')}: a part of the path is a file, not a folder. Choose a file in a folder you can write to.\n`,
    );
    expect(readdirSync(dir)).toEqual(['not-a-folder']);
    expect(readFileSync(file, 'utf8')).toBe('keep me');

    const missing = join(dir, 'no', 'such', 'folder', 'chat.md');
    const second = await dspatch([
      'sessions',
      'export',
      sessionId,
      '--format',
      'md',
      '--out',
      missing,
      '--data-dir',
      dataDir,
    ]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('its folder does not exist');
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('refuses a missing or unknown format as bad usage, and an unknown conversation in words', async () => {
    const noFormat = await dspatch(['sessions', 'export', sessionId, '--data-dir', dataDir]);
    expect(noFormat.code).toBe(64);
    expect(noFormat.stderr).toBe(
      'dspatch: --format must be md or json: dspatch sessions export ID --format md|json [--out FILE]\n',
    );
    const pdf = await dspatch(['sessions', 'export', sessionId, '--format', 'pdf', '--data-dir', dataDir]);
    expect(pdf.code).toBe(64);
    expect(pdf.stderr).toContain('--format must be md or json, not "pdf"');
    const unknown = await dspatch([
      'sessions',
      'export',
      'no-such-id',
      '--format',
      'md',
      '--data-dir',
      dataDir,
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No conversation with id no-such-id');
  });

  it('through a running serve, exports a conversation larger than one control-socket frame', async () => {
    const bigDir = scratchDir('dspatch-it-cli-big-');
    const t = await startHost({ dataDir: bigDir });
    const { workspace } = await launchWorkspace(t, 'name: big\nagents:\n  echo:\n    template: echo\n');
    const store = t.host.services.store;
    const id = randomUUID();
    const now = Date.now();
    store.sessions.insertSession({
      id,
      workspaceId: workspace.id,
      agentKey: 'echo',
      parentSessionId: null,
      title: 'Big',
      state: 'stopped',
      createdAt: now,
      updatedAt: now,
      pinnedAt: null,
      archivedAt: null,
    });
    // 3.5 million control characters: 21 MB as JSON, over the 16 MiB frame.
    const huge = '\u0001'.repeat(3_500_000);
    store.sessions.insertMessage({
      id: randomUUID(),
      sessionId: id,
      turnId: 't',
      role: 'assistant',
      text: huge,
      sender: null,
      status: 'done',
      position: 1,
      now,
    });
    await t.close();
    await serveProcess(bigDir);

    const out = join(scratchDir('dspatch-it-out-'), 'big.json');
    const result = await dspatch([
      'sessions',
      'export',
      id,
      '--format',
      'json',
      '--out',
      out,
      '--data-dir',
      bigDir,
    ]);
    expect(result.stderr).toBe(`Exported to ${out}\n`);
    expect(result.code).toBe(0);
    const bytes = readFileSync(out, 'utf8');
    expect(Buffer.byteLength(bytes)).toBeGreaterThan(MAX_FRAME_BYTES);
    expect((JSON.parse(bytes) as { messages: { content: string }[] }).messages[0].content).toBe(huge);
  });
});
