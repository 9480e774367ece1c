import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../sandbox.ts';

/**
 * Finding the program a sandboxed call runs. Inside the sandbox only the system folders are
 * visible, so the program is looked up here, on the host, and given to the sandbox by its real
 * path, together with the folder it needs (see `programFolder`).
 */

async function executableFile(candidate: string): Promise<string | undefined> {
  try {
    const real = await realpath(candidate);
    if (!(await stat(real)).isFile()) return undefined;
    await access(real, constants.X_OK);
    return real;
  } catch {
    return undefined;
  }
}

/**
 * The real path of `name` on `searchPath`. A copy inside a folder the sandbox shows anyway
 * (`visible`, e.g. /usr/bin) wins over an earlier one elsewhere: a version manager's shim in the
 * home folder (pyenv) is a script that needs the rest of the home folder to run.
 */
export async function findProgram(
  name: string,
  searchPath: string,
  visible: (real: string) => boolean,
): Promise<string | undefined> {
  let fallback: string | undefined;
  for (const folder of searchPath.split(path.delimiter)) {
    if (!path.isAbsolute(folder)) continue;
    const real = await executableFile(path.join(folder, name));
    if (real === undefined) continue;
    if (visible(real)) return real;
    fallback ??= real;
  }
  return fallback;
}

/**
 * What to show read-only for a program outside the system folders: its installation folder
 * (the parent of its `bin` folder, as for nvm's node or conda's python, which need their `lib`),
 * or the file alone when that folder would show more than a program: the root, a folder holding
 * the home folder, or one holding or inside a private folder (the data folder, the workspace).
 */
export function programFolder(
  real: string,
  home: string,
  privateFolders: readonly string[],
): string {
  const dir = path.dirname(real);
  const folder = path.basename(dir) === 'bin' ? path.dirname(dir) : dir;
  if (path.dirname(folder) === folder || isInside(folder, home)) return real;
  const tooWide = privateFolders.some((p) => isInside(folder, p) || isInside(p, folder));
  return tooWide ? real : folder;
}
