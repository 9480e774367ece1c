import { describe, expect, it } from 'vitest';
import type { StorageProblem } from '../../src/shared/storage.ts';
import { NOTICE_WORDS } from '../../src/shared/task-notice.ts';

const base: StorageProblem = {
  kind: 'full',
  folder: '/data/clawdesk',
  code: 'SQLITE_FULL',
  message: 'cannot save',
  since: 1,
  restartNeeded: false,
};

const cases: StorageProblem[] = [
  base,
  { ...base, kind: 'read_only', code: 'SQLITE_READONLY' },
  { ...base, kind: 'read_only', code: 'SQLITE_READONLY', restartNeeded: true },
  { ...base, kind: 'failing', code: 'SQLITE_IOERR_WRITE' },
];

describe('the "cannot save" notice, in both languages', () => {
  it.each(['en', 'zh-CN'] as const)(
    '%s: names the folder and says something different per case',
    (language) => {
      const notices = cases.map((problem) => NOTICE_WORDS[language].storageNotice(problem));
      for (const notice of notices) expect(notice.body).toContain('/data/clawdesk');
      expect(new Set(notices.map((n) => n.body)).size).toBe(cases.length);
      expect(new Set(notices.map((n) => n.title)).size).toBe(1);
      // A failing disk is reported with its code: the one thing a user can look up.
      expect(notices[3]!.body).toContain('SQLITE_IOERR_WRITE');
      // Only a read-only start needs a restart; the others retry by themselves.
      expect(notices[2]!.body).toMatch(language === 'en' ? /start ClawDesk again/ : /重新启动/);
    },
  );
});
