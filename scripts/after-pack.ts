/**
 * electron-builder's afterPack hook (electron-builder.yml): flips Electron's fuses in the
 * packaged program with @electron/fuses, after the app is copied in and before anything is
 * signed (a signature covers the fuse bytes). Fuses are switches compiled into Electron that
 * no command line or environment can turn back on.
 */
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * The fuses and why:
 * - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn ClawDesk into a plain Node that runs any
 *   script with the app's permissions (utilityProcess workers do not need it).
 * - NODE_OPTIONS / NODE_EXTRA_CA_CERTS off, and --inspect off: nobody injects code or a
 *   debugger into the main process, which holds the gateway token, through the environment
 *   or the command line.
 * - Cookie encryption on: Chromium's cookie store is encrypted with the OS key store.
 * - Embedded asar integrity on: macOS and Windows refuse an app.asar changed after packaging.
 * - Only load the app from asar: no app folder beside app.asar is ever run instead.
 * - file:// extra privileges off: the page comes from app://clawdesk/ (app-protocol.ts).
 */
export const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
} as const;

/** The parts of electron-builder's AfterPackContext used here. */
export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  /** electron-builder's Arch enum: 0 ia32, 1 x64, 2 armv7l, 3 arm64, 4 universal. */
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

const ARM64 = 3;

/** The packaged program: ClawDesk.app on macOS, ClawDesk.exe on Windows, clawdesk on Linux. */
export function packagedProgram(context: PackContext): string {
  const { appOutDir, electronPlatformName, packager } = context;
  const product = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return join(appOutDir, `${product}.app`);
  }
  if (electronPlatformName === 'win32') return join(appOutDir, `${product}.exe`);
  return join(appOutDir, packager.executableName ?? product);
}

export default async function afterPack(context: PackContext): Promise<void> {
  await flipFuses(packagedProgram(context), {
    version: FuseVersion.V1,
    // Flipping breaks the ad-hoc signature an arm64 Mac needs to run anything: make a new one
    // (electron-builder replaces it with the real signature when a certificate is configured).
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === ARM64,
    ...FUSES,
  });
}
