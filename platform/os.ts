// Which operating system the file layer behaves for. Tests set `fsPlatform.name = 'win32'` on Linux to
// prove the Windows behaviour (no directory fsync, names compared without case, icacls) without a
// Windows machine; paths themselves are always handled by the real OS's `node:path`.
export const fsPlatform: { name: NodeJS.Platform } = { name: process.platform };

export function onWindows(platform: NodeJS.Platform = fsPlatform.name): boolean {
  return platform === 'win32';
}
