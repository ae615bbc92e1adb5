// Bundles the `dspatch` command (electron/cli.ts and the Electron-free host) into out/cli/cli.js.
// Dependencies stay in node_modules; SQL migrations are inlined as text.
import { build } from 'esbuild';

await build({
  entryPoints: ['electron/cli.ts'],
  outfile: 'out/cli/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'raw-text',
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /\?raw$/ }, (args) => ({
          path: new URL(args.path.replace(/\?raw$/, ''), `file://${args.resolveDir}/`).pathname,
          namespace: 'file',
        }));
        pluginBuild.onLoad({ filter: /\.sql$/ }, async (args) => ({
          contents: await (await import('node:fs/promises')).readFile(args.path, 'utf8'),
          loader: 'text',
        }));
      },
    },
  ],
});
