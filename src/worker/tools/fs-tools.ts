import { listDirectoryTool, readFileTool } from './fs-read.ts';
import { createDirectoryTool, writeFileTool } from './fs-write.ts';
import type { ToolDefinition } from './types.ts';

/**
 * File tools for the agent: read_file, write_file, list_directory, create_directory. Every path
 * goes through the sandbox first (fs-common `enter`), then is opened folder by folder without
 * following a symlink (safe-fs); every failure becomes a sentence for the model, never a throw.
 */

export { MAX_LIST_ENTRIES, listDirectoryTool, readFileTool } from './fs-read.ts';
export { createDirectoryTool, writeFileTool } from './fs-write.ts';

export const fsTools: readonly ToolDefinition[] = [
  readFileTool,
  writeFileTool,
  listDirectoryTool,
  createDirectoryTool,
];
