import i18next, { type TFunction } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../shared/settings.ts';
import { STATE_WORDS } from '../../../shared/state-words.ts';
import enChat from '../locales/en/chat.json';
import enCommon from '../locales/en/common.json';
import enMonitor from '../locales/en/monitor.json';
import enSettings from '../locales/en/settings.json';
import zhChat from '../locales/zh-CN/chat.json';
import zhCommon from '../locales/zh-CN/common.json';
import zhMonitor from '../locales/zh-CN/monitor.json';
import zhSettings from '../locales/zh-CN/settings.json';

export const NAMESPACES = ['common', 'chat', 'monitor', 'settings', 'words'] as const;

/**
 * English and Simplified Chinese; one JSON file per view and language (src/renderer/src/locales),
 * plus `words`: the states and waits every face says alike, from the shared table.
 */
const resources = {
  en: {
    common: enCommon,
    chat: enChat,
    monitor: enMonitor,
    settings: enSettings,
    words: STATE_WORDS.en,
  },
  'zh-CN': {
    common: zhCommon,
    chat: zhChat,
    monitor: zhMonitor,
    settings: zhSettings,
    words: STATE_WORDS['zh-CN'],
  },
};

/** The system's language when it is Chinese, English otherwise. */
export function systemLanguage(): 'en' | 'zh-CN' {
  const language = typeof navigator === 'undefined' ? 'en' : navigator.language;
  return language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function resolveLanguage(setting: Language): 'en' | 'zh-CN' {
  return setting === 'system' ? systemLanguage() : setting;
}

void i18next.use(initReactI18next).init({
  resources,
  lng: systemLanguage(),
  fallbackLng: 'en',
  ns: [...NAMESPACES],
  defaultNS: 'common',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  // Resources are bundled: ready before the first render, not a tick later.
  initAsync: false,
});

export function applyLanguage(setting: Language): void {
  const lng = resolveLanguage(setting);
  if (i18next.language !== lng) void i18next.changeLanguage(lng);
  // Read through globalThis: this module also runs under Node (the renderer's unit tests).
  const page = (globalThis as { document?: { documentElement: { lang: string } } }).document;
  if (page) page.documentElement.lang = lng;
}

/** The chat's words in English whatever the UI language: the default of the pure helpers. */
export const englishChat: TFunction = i18next.getFixedT('en', 'chat');
/** The shared state words in English: the default of the pure helpers that use them. */
export const englishWords: TFunction = i18next.getFixedT('en', 'words');

export { i18next };
