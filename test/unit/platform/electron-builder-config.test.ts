import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const projectDir = join(import.meta.dirname, '..', '..', '..');

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { buildResources: string; output: string };
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
}

const config = parse(readFileSync(join(projectDir, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    const require = createRequire(join(projectDir, 'package.json'));
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      getConfig(dir: string, file: string, extra: null): Promise<unknown>;
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const loaded = await getConfig(projectDir, join(projectDir, 'electron-builder.yml'), null);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app', () => {
    expect(config.appId).toBe('dev.dspatch.desktop');
    expect(config.productName).toBe('dspatch');
    expect(config.directories).toEqual({ buildResources: 'build', output: 'release/${version}' });
  });

  it('sets every security fuse', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('packs the build output, package.json and the agent sources, without maps or tests', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', 'agents/**']));
    expect(config.files).toContain('!**/*.map');
    expect(config.files.some((pattern) => pattern.startsWith('!') && pattern.includes('test'))).toBe(true);
    // Sources other than agents/ and test folders are never listed for inclusion.
    for (const pattern of config.files.filter((p) => !p.startsWith('!'))) {
      expect(pattern).not.toMatch(/^(electron|renderer|test|scripts|build)\b/);
    }
  });

  it('uses an asar and unpacks native code, esbuild and the agent sources', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/*.node',
        'node_modules/esbuild/**',
        'node_modules/@esbuild/**',
        'agents/**',
      ]),
    );
  });

  it('targets AppImage + deb, dmg and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('has its build resources in build/', () => {
    const png = readFileSync(join(projectDir, 'build', 'icon.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // 512×512: large enough for electron-builder to derive .icns and .ico.
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
  });
});
