// esbuild plugin for Vite-style `?raw` imports (the store's SQL migrations): the file's text as a string.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const rawText = {
  name: 'raw-text',
  setup(build) {
    build.onResolve({ filter: /\?raw$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/\?raw$/, '')), namespace: 'file' }));
    build.onLoad({ filter: /\.sql$/ }, async (args) => ({ contents: await readFile(args.path, 'utf8'), loader: 'text' }));
  },
};
