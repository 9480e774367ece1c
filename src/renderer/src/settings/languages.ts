import type { Language } from '../../../shared/settings.ts';

/** The language menu, in this order; each shows in its own language except "System". */
export const LANGUAGES_ORDER: readonly Language[] = ['system', 'en', 'zh-CN'];
