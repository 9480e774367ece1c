import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dotPixels, trayIconPngs } from '../../src/main/electron/tray-icons.ts';

describe('tray icons', () => {
  it('are distinct 16 px and 32 px PNGs per state', () => {
    const idle = trayIconPngs('idle');
    const running = trayIconPngs('running');
    const error = trayIconPngs('error');
    expect(idle.x1.subarray(1, 4).toString()).toBe('PNG');
    expect(idle.x1.readUInt32BE(16)).toBe(16);
    expect(idle.x2.readUInt32BE(16)).toBe(32);
    expect(new Set([idle, running, error].map((i) => i.x1.toString('hex'))).size).toBe(3);
  });

  it('hold the drawn pixels: an opaque centre, transparent corners', () => {
    const png = trayIconPngs('error').x1;
    // IHDR is 25 bytes after the 8-byte signature; IDAT's length and type follow.
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString()).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    const pixels = dotPixels('error', 16);
    const row = (y: number) => raw.subarray(y * 65 + 1, y * 65 + 65);
    expect(Buffer.from(row(8)).equals(Buffer.from(pixels.subarray(8 * 64, 9 * 64)))).toBe(true);
    expect(pixels[(8 * 16 + 8) * 4 + 3]).toBe(255);
    expect(pixels[3]).toBe(0);
  });
});
