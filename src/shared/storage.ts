import { z } from 'zod';

/**
 * Why ClawDesk cannot save (issue 7): the disk holding its data is full, the folder is
 * read-only, or writing to it fails for another reason (an I/O error).
 */
export const StorageProblemKindSchema = z.enum(['full', 'read_only', 'failing']);
export type StorageProblemKind = z.infer<typeof StorageProblemKindSchema>;

export const StorageProblemSchema = z.object({
  kind: StorageProblemKindSchema,
  /** The data folder: where to free space, or what to make writable. */
  folder: z.string(),
  /** SQLite's or the system's error code (`SQLITE_FULL`, `ENOSPC`…), for logs and reports. */
  code: z.string(),
  /** One English sentence: what is wrong and what to do. The UI words it in its language. */
  message: z.string(),
  /** Epoch ms of the first failure of this episode. */
  since: z.number(),
  /**
   * The database could only be opened for reading: history is there, but nothing can be saved
   * until the folder is writable and ClawDesk is started again. Otherwise ClawDesk tries
   * again by itself and carries on once writing works.
   */
  restartNeeded: z.boolean(),
});
export type StorageProblem = z.infer<typeof StorageProblemSchema>;
