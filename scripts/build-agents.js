// Bundles the built-in templates (agents/templates/*) into out/agents/ with a manifest of their
// sha256 and of the node_modules folders the SDK reads (electron-builder.config.mjs unpacks those).
// The recipe is the host's own (electron/host/agent-bundler.ts), compiled here for this one run so
// build time and launch time cannot bundle differently.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const agentsDir = join(root, 'agents');
const templatesDir = join(agentsDir, 'templates');
const outDir = join(root, 'out', 'agents');

// Inside the project, so the compiled tool resolves its packages from node_modules.
const cacheDir = join(root, 'node_modules', '.cache');
mkdirSync(cacheDir, { recursive: true });
const toolDir = mkdtempSync(join(cacheDir, 'dspatch-build-agents-'));
try {
  const tool = join(toolDir, 'bundler.mjs');
  await build({
    stdin: {
      contents:
        "export { buildBuiltinBundles } from './electron/host/agent-bundler';\nexport { loadTemplate } from './electron/host/template-config';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile: tool,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  const { buildBuiltinBundles, loadTemplate } = await import(pathToFileURL(tool).href);

  const templates = [];
  for (const entry of readdirSync(templatesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const loaded = await loadTemplate(join(templatesDir, entry.name));
    if (!loaded.ok) throw new Error(`agents/templates/${entry.name} is not a valid template:\n${loaded.problems.map((p) => p.message).join('\n')}`);
    templates.push({ name: loaded.template.config.name, entryPath: loaded.template.entryPath });
  }
  // Built beside and swapped in: a pack or a host starting meanwhile never finds the folder half made,
  // and bundles of earlier builds do not linger to ship beside the current ones.
  const fresh = `${outDir}.${process.pid}.tmp`;
  const stale = `${outDir}.${process.pid}.old`;
  rmSync(fresh, { recursive: true, force: true });
  await buildBuiltinBundles({ templates, agentsDir, nodeModulesDir: join(root, 'node_modules'), outDir: fresh });
  if (existsSync(outDir)) renameSync(outDir, stale);
  renameSync(fresh, outDir);
  rmSync(stale, { recursive: true, force: true });
} finally {
  rmSync(toolDir, { recursive: true, force: true });
}
