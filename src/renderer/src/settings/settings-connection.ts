import { useStore } from 'zustand';
import { selectApi } from '../api/index.ts';
import type { RendererApi } from '../api/types.ts';
import { applyLanguage } from '../i18n/index.ts';
import { createSettingsStore, type SettingsState, type SettingsStore } from './settings-store.ts';

let shared: SettingsStore | null = null;

/**
 * Hand the page's one API to the settings (call from main.tsx before rendering): the
 * settings load at start, so the language setting applies at once. Without it the settings
 * open their own connection the first time a settings component mounts.
 */
export function connectSettings(api: RendererApi): SettingsStore {
  shared ??= createSettingsStore(api, applyLanguage);
  return shared;
}

export function settingsStore(): SettingsStore {
  shared ??= createSettingsStore(selectApi(), applyLanguage);
  return shared;
}

/** The settings store if something already made it (no connection is opened for a peek). */
export function existingSettingsStore(): SettingsStore | null {
  return shared;
}

export function useSettings<T>(selector: (state: SettingsState) => T): T {
  return useStore(settingsStore(), selector);
}
