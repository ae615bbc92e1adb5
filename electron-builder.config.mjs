// electron-builder's configuration: electron-builder.base.yml, plus what the build computed. Agent
// bundles made at launch read the SDK's packages with esbuild, a native binary that cannot look inside
// app.asar, so those packages must be unpacked. Which they are is not kept by hand: `npm run build`
// (scripts/build-agents.js) writes them to out/agents/manifest.json from esbuild's metafile.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = import.meta.dirname;
const manifestFile = join(root, 'out', 'agents', 'manifest.json');
if (!existsSync(manifestFile)) {
  throw new Error(`${manifestFile} is missing: run \`npm run build\` before packaging.`);
}
const { unpack } = JSON.parse(readFileSync(manifestFile, 'utf8'));
const config = parse(readFileSync(join(root, 'electron-builder.base.yml'), 'utf8'));

export default {
  ...config,
  asarUnpack: [...config.asarUnpack, ...unpack.map((folder) => `node_modules/${folder}/**`)],
};
