import type { TFunction } from 'i18next';
import type { StorageProblem } from '../../../shared/storage.ts';

const KEY = {
  full: 'storage.full',
  read_only: 'storage.readOnly',
  failing: 'storage.failing',
} as const;

/** What the banner says, in the language on screen: what is wrong, where, and what to do. */
export function storageBannerText(problem: StorageProblem, t: TFunction): string {
  const key = problem.restartNeeded ? 'storage.readOnlyRestart' : KEY[problem.kind];
  return t(key, { folder: problem.folder, code: problem.code });
}
