// electron-builder's afterPack hook (electron-builder.yml): flips Electron's fuses in the packed
// executable, after electron-builder has embedded the asar's integrity hash and before it signs.
// - RunAsNode, NODE_OPTIONS and --inspect off: nobody can start the signed ケアプランリンク.exe as a
//   plain Node, or inject code into it, to reach the certificate password or the office's key.
// - Cookie encryption on; the asar's integrity checked at load; the app loaded only from app.asar.
// Then the wire is read back: an installer with a fuse left open is not made.
const path = require('node:path');
const { flipFuses, getCurrentFuseWire, FuseVersion, FuseV1Options } = require('@electron/fuses');

/** How the wire stores a fuse: ASCII '1' on, '0' off. */
const ENABLE = 0x31;
const DISABLE = 0x30;

const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
};

/** The packed Electron executable, named as electron-builder names it. */
function executable(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  return path.join(appOutDir, packager.executableName);
}

async function afterPack(context) {
  const file = executable(context);
  await flipFuses(file, { version: FuseVersion.V1, resetAdHocDarwinSignature: context.electronPlatformName === 'darwin', ...FUSES });
  const wire = await getCurrentFuseWire(file);
  for (const [fuse, on] of Object.entries(FUSES)) {
    if (wire[fuse] !== (on ? ENABLE : DISABLE)) throw new Error(`fuse ${FuseV1Options[fuse]} is not ${on ? 'on' : 'off'} in ${file}`);
  }
}

module.exports = { default: afterPack, afterPack, FUSES };
