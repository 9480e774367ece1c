/**
 * Writes the app icon, resources/icon.png (1024 × 1024), from which electron-builder makes the
 * macOS .icns, the Windows .ico and the Linux icon sizes. Drawn in code like the tray icons, so
 * it can be changed and made again without an image editor: a blue rounded square holding a
 * white speech bubble with three dots (messages waiting their turn).
 * Run: node resources/write-app-icon.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../src/main/electron/tray-icons.ts';

const SIZE = 1024;
type Rgb = readonly [number, number, number];
const TOP: Rgb = [0x3b, 0x82, 0xf6];
const BOTTOM: Rgb = [0x1d, 0x4e, 0xd8];
const WHITE: Rgb = [0xff, 0xff, 0xff];
const DOT: Rgb = [0x25, 0x63, 0xeb];

/** Signed distance (px) to a rounded rectangle: negative inside. */
function roundedRect(x: number, y: number, box: readonly number[], radius: number): number {
  const [left, top, right, bottom] = box as [number, number, number, number];
  const dx = Math.abs(x - (left + right) / 2) - ((right - left) / 2 - radius);
  const dy = Math.abs(y - (top + bottom) / 2) - ((bottom - top) / 2 - radius);
  const outside = Math.hypot(Math.max(dx, 0), Math.max(dy, 0));
  return outside + Math.min(Math.max(dx, dy), 0) - radius;
}

/** Signed distance (px, approximate outside) to a convex polygon, clockwise on screen. */
function convex(x: number, y: number, points: readonly (readonly [number, number])[]): number {
  let distance = -Infinity;
  for (let i = 0; i < points.length; i += 1) {
    const [ax, ay] = points[i]!;
    const [bx, by] = points[(i + 1) % points.length]!;
    const length = Math.hypot(bx - ax, by - ay);
    distance = Math.max(distance, ((x - ax) * (by - ay) - (y - ay) * (bx - ax)) / length);
  }
  return distance;
}

/** Coverage 0…1 of a pixel whose centre is `distance` px from an edge: edges anti-aliased. */
const coverage = (distance: number): number => Math.max(0, Math.min(1, 0.5 - distance));

const mix = (under: Rgb, over: Rgb, amount: number): Rgb =>
  [0, 1, 2].map((i) => under[i]! + (over[i]! - under[i]!) * amount) as unknown as Rgb;

const s = (fraction: number): number => fraction * SIZE;
const TAIL = [
  [s(0.46), s(0.6)],
  [s(0.26), s(0.8)],
  [s(0.3), s(0.6)],
] as const;
const DOTS = [0.36, 0.5, 0.64].map((cx) => [s(cx), s(0.45)] as const);

function pixel(x: number, y: number): { rgb: Rgb; alpha: number } {
  const tile = coverage(roundedRect(x, y, [s(0.04), s(0.04), s(0.96), s(0.96)], s(0.21)));
  let rgb = mix(TOP, BOTTOM, y / SIZE);
  const body = roundedRect(x, y, [s(0.2), s(0.24), s(0.8), s(0.66)], s(0.11));
  rgb = mix(rgb, WHITE, Math.max(coverage(body), coverage(convex(x, y, TAIL))));
  for (const [cx, cy] of DOTS) rgb = mix(rgb, DOT, coverage(Math.hypot(x - cx, y - cy) - s(0.05)));
  return { rgb, alpha: tile };
}

export function appIconPixels(): Uint8Array {
  const pixels = new Uint8Array(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y += 1) {
    for (let x = 0; x < SIZE; x += 1) {
      const { rgb, alpha } = pixel(x + 0.5, y + 0.5);
      pixels.set([...rgb.map(Math.round), Math.round(alpha * 255)], (y * SIZE + x) * 4);
    }
  }
  return pixels;
}

writeFileSync(join(import.meta.dirname, 'icon.png'), encodePng(appIconPixels(), SIZE));
