import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { COPYRIGHT } from '../../../electron/platform/menu';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

const projectDir = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(join(projectDir, 'package.json'));

interface LinuxConfig {
  target: string[];
  icon: string;
  category: string;
  executableName: string;
  syncDesktopName: boolean;
  desktop: { entry: Record<string, string> };
}

interface BuilderConfig {
  appId: string;
  productName?: string;
  copyright: string;
  icon: string;
  directories: { buildResources: string; output: string };
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  linux: LinuxConfig;
  mac: { target: string[] };
  win: { target: string[] };
}

const config = parse(readFileSync(join(projectDir, 'electron-builder.base.yml'), 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as {
  productName: string;
  desktopName: string;
  description: string;
};
const buildDir = join(projectDir, config.directories.buildResources);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('electron-builder.base.yml', () => {
  // Loading app-builder-lib alone takes seconds.
  it("passes electron-builder's own schema validation", { timeout: 30_000 }, async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      getConfig(dir: string, file: string, extra: null): Promise<unknown>;
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const loaded = await getConfig(projectDir, join(projectDir, 'electron-builder.base.yml'), null);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app', () => {
    expect(config.appId).toBe('dev.dspatch.desktop');
    // One source for the name: Electron reads package.json too, and names the data folder after it
    // (~/.config/dspatch, which is also the CLI's default).
    expect(config.productName).toBeUndefined();
    expect(packageJson.productName).toBe('dspatch');
    expect(packageJson.desktopName).toBe(`${config.linux.executableName}.desktop`);
    expect(config.copyright).toBe(COPYRIGHT); // the About panel shows the same line
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

  it('uses an asar and unpacks native code, esbuild, the agent sources and the built-in bundles', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/*.node', 'node_modules/esbuild/**', 'node_modules/@esbuild/**', 'agents/**', 'out/agents/**']);
    // The SDK's packages are not kept by hand here: electron-builder.config.mjs adds them from the
    // build's esbuild metafile (test/packaging checks the packaged result).
  });

  it('targets AppImage + deb, dmg and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('has a 1024×1024 icon for macOS and Windows to be derived from', () => {
    expect(config.icon).toBe('icon.png');
    expect(pngSize(join(buildDir, config.icon))).toEqual({ width: 1024, height: 1024 });
  });

  it('gives Linux an icon at every size electron-builder installs, as electron-builder resolves it', async () => {
    const { convertIcon } = require('app-builder-lib/out/util/iconConverter.js') as {
      convertIcon(options: {
        sources: string[];
        fallbackSources: string[];
        roots: string[];
        format: 'set';
        outDir: string;
      }): Promise<{ icons: { file: string; size: number }[]; isFallback: boolean }>;
    };
    const outDir = mkdtempSync(join(tmpdir(), 'dspatch-icons-'));
    try {
      const { icons, isFallback } = await convertIcon({
        sources: [config.linux.icon],
        fallbackSources: [],
        roots: [buildDir, projectDir],
        format: 'set',
        outDir,
      });
      expect(isFallback).toBe(false);
      expect(icons.map((icon) => icon.size)).toEqual([16, 32, 48, 64, 128, 256, 512]);
      for (const icon of icons) {
        expect(icon.file.startsWith(join(buildDir, 'icons'))).toBe(true); // used as is, not converted
        expect(pngSize(icon.file)).toEqual({ width: icon.size, height: icon.size });
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('writes a Linux desktop entry with our categories that matches the window class', async () => {
    const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
      LinuxTargetHelper: new (packager: unknown) => {
        computeDesktopEntry(options: LinuxConfig, exec?: string): Promise<string>;
        getDesktopFileName(): string;
      };
    };
    // The parts of electron-builder's Packager the desktop entry is computed from.
    const helper = new LinuxTargetHelper({
      appInfo: { productName: packageJson.productName, description: packageJson.description },
      executableName: config.linux.executableName,
      info: { metadata: packageJson },
      platformSpecificBuildOptions: config.linux,
      config,
      fileAssociations: [],
    });
    const text = await helper.computeDesktopEntry(config.linux, '/opt/dspatch/dspatch %U');
    const entry = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(text.startsWith('[Desktop Entry]\n')).toBe(true);
    expect(entry).toMatchObject({
      Name: 'dspatch',
      Comment: packageJson.description,
      Type: 'Application',
      Terminal: 'false',
      Icon: 'dspatch',
      Categories: 'Development;Utility;',
    });
    expect(entry.Keywords).toMatch(/^([A-Za-z]+;)+$/);
    // Electron names its window (WM_CLASS, Wayland app_id) after package.json desktopName; the
    // desktop entry must carry that name, and be installed under it, for docks to group the window.
    expect(entry.StartupWMClass).toBe(packageJson.desktopName.replace(/\.desktop$/, ''));
    expect(helper.getDesktopFileName()).toBe(entry.StartupWMClass);
  });
});
