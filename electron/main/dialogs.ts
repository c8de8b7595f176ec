// The native pickers behind pickFolder and pickCertificate: Windows' own folder and file dialogs,
// opened by main over the window that asked. A certificate file's bytes go on to the back end like a
// file chosen in the page would; its password is never involved here.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { BrowserWindow, OpenDialogOptions, OpenDialogReturnValue } from 'electron';
import { ApiError, type Handlers } from '../../shared/api/methods.js';

/** What the API's 1 MiB of base64 holds. Real PKCS#12 files are a few kilobytes. */
export const MAX_P12_BYTES = 786_432;

export interface DialogLike {
  showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
}

export type DialogHandlers = Pick<Handlers, 'pickFolder' | 'pickCertificate'>;

const FOLDER_TITLES = {
  export: '書き出しフォルダを選ぶ（介護ソフトが CSV を書き出すフォルダ）',
  import: '取り込みフォルダを選ぶ（介護ソフトが CSV を取り込むフォルダ）',
} as const;

export function dialogHandlers(dialog: DialogLike, parent: BrowserWindow | null): DialogHandlers {
  const open = (options: OpenDialogOptions) => (parent ? dialog.showOpenDialog(parent, options) : dialog.showOpenDialog(options));
  return {
    pickFolder: async ({ purpose, current }) => {
      const r = await open({ title: FOLDER_TITLES[purpose], buttonLabel: 'このフォルダを使う', properties: ['openDirectory', 'createDirectory'], ...(current ? { defaultPath: current } : {}) });
      return { path: r.canceled ? null : (r.filePaths[0] ?? null) };
    },

    pickCertificate: async () => {
      const r = await open({
        title: '証明書ファイル（.p12 / .pfx）を選ぶ',
        buttonLabel: 'この証明書を使う',
        filters: [
          { name: '証明書ファイル（.p12 / .pfx）', extensions: ['p12', 'pfx'] },
          { name: 'すべてのファイル', extensions: ['*'] },
        ],
        properties: ['openFile'],
      });
      const path = r.canceled ? undefined : r.filePaths[0];
      if (!path) return null;
      if (statSync(path).size > MAX_P12_BYTES) {
        throw new ApiError('certificate_too_large', '選んだファイルは証明書にしては大きすぎます。証明書ファイル（.p12 / .pfx）を選んでください', 'The chosen file is too large for a certificate: choose the .p12 / .pfx file');
      }
      return { path, name: basename(path), p12Base64: readFileSync(path).toString('base64') };
    },
  };
}
