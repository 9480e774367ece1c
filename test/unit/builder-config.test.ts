import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * electron-builder.yml against the JSON schema electron-builder ships (app-builder-lib's
 * scheme.json), compiled with the options electron-builder itself validates with. A misspelt
 * or misplaced key fails here, in `npm test`, rather than at release time on another system.
 */
const root = resolve(import.meta.dirname, '../..');
// Resolved from electron-builder, so it is the schema of the very version that builds.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const schemaPath = fromBuilder.resolve('app-builder-lib/scheme.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, coerceTypes: true, strict: false });
const validate = ajv.compile(schema);

type Config = Record<string, unknown> & {
  linux: { target: string[]; icon: string };
  mac: { target: { target: string; arch: string[] }[]; icon: string };
  win: { target: { target: string; arch: string[] }[]; icon: string };
  nsis: Record<string, unknown>;
  afterPack: string;
};
const load = (): Config =>
  parse(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8')) as Config;

function errorsOf(config: unknown): string[] {
  return validate(config)
    ? []
    : (validate.errors ?? []).map(
        (e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
      );
}

describe('electron-builder.yml', () => {
  it('matches the schema electron-builder ships', () => {
    expect(errorsOf(load())).toEqual([]);
  });

  it('is refused when a key is misspelt or a value is not one electron-builder knows', () => {
    const typo = load();
    typo.nsis = { ...typo.nsis, oneClik: false };
    expect(errorsOf(typo).join('\n')).toContain('oneClik');
    const arch = load();
    arch.mac.target[0]!.arch = ['x65'];
    expect(errorsOf(arch)).not.toEqual([]);
    const topLevel = { ...load(), compresion: 'maximum' };
    expect(errorsOf(topLevel).join('\n')).toContain('compresion');
  });

  it('builds what the README promises: AppImage and deb, dmg for both Macs, nsis', () => {
    const config = load();
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.asar).toBe(true);
    expect(config.appId).toBe('com.clawdesk.app');
  });

  it('points at an icon big enough for every system and at the fuses hook', () => {
    const config = load();
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) {
      const png = readFileSync(resolve(root, icon));
      // PNG header: width and height, big-endian, at bytes 16 and 20. macOS wants 512 or more.
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
      expect(png.readUInt32BE(20)).toBe(png.readUInt32BE(16));
    }
    expect(readFileSync(resolve(root, config.afterPack), 'utf8')).toContain('flipFuses');
  });
});
