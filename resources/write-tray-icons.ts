/**
 * Writes the tray icons to resources/ (tray-<state>.png and tray-<state>@2x.png), for review
 * and for installers. The app itself draws them in memory (src/main/electron/tray-icons.ts).
 * Run: node resources/write-tray-icons.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRAY_ICON_STATES, trayIconPngs } from '../src/main/electron/tray-icons.ts';

for (const state of TRAY_ICON_STATES) {
  const { x1, x2 } = trayIconPngs(state);
  writeFileSync(join(import.meta.dirname, `tray-${state}.png`), x1);
  writeFileSync(join(import.meta.dirname, `tray-${state}@2x.png`), x2);
}
