import { deflateSync } from 'node:zlib';

/**
 * The tray's three state icons, drawn in code: a filled dot, grey when idle, blue while tasks
 * run, red after an error. Drawing them here keeps them out of any packaging step (no asset
 * path to resolve at run time); `resources/write-tray-icons.ts` writes the same PNGs to disk
 * for review and installers.
 */
export type TrayIconState = 'idle' | 'running' | 'error';

export const TRAY_ICON_STATES: readonly TrayIconState[] = ['idle', 'running', 'error'];

const COLORS: Record<TrayIconState, readonly [number, number, number]> = {
  idle: [0x8a, 0x8f, 0x98],
  running: [0x25, 0x7c, 0xf0],
  error: [0xe0, 0x3e, 0x3e],
};

/** RGBA pixels of a dot `size` px wide, anti-aliased at its edge; running adds a white core. */
export function dotPixels(state: TrayIconState, size: number): Uint8Array {
  const [r, g, b] = COLORS[state];
  const pixels = new Uint8Array(size * size * 4);
  const center = size / 2;
  const radius = size / 2 - size / 16;
  const inner = radius * 0.4;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const distance = Math.hypot(x + 0.5 - center, y + 0.5 - center);
      const alpha = Math.max(0, Math.min(1, radius - distance + 0.5));
      const white = state === 'running' && distance < inner;
      const at = (y * size + x) * 4;
      pixels[at] = white ? 255 : r;
      pixels[at + 1] = white ? 255 : g;
      pixels[at + 2] = white ? 255 : b;
      pixels[at + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A minimal PNG (8-bit RGBA, no interlace) of square `size` × `size` pixels. */
export function encodePng(pixels: Uint8Array, size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  // Each row starts with filter type 0 (none).
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) {
    Buffer.from(pixels.buffer, pixels.byteOffset + y * size * 4, size * 4).copy(
      raw,
      y * (size * 4 + 1) + 1,
    );
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** The icon at 1× (16 px) and 2× (32 px), as PNG bytes. */
export function trayIconPngs(state: TrayIconState): { x1: Buffer; x2: Buffer } {
  return { x1: encodePng(dotPixels(state, 16), 16), x2: encodePng(dotPixels(state, 32), 32) };
}
