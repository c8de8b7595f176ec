// The certificate password on disk, when the clerk chose 「パスワードを記憶する」: only ever the
// ciphertext Electron's safeStorage made (DPAPI on Windows, tied to the Windows user). Main reads it at
// start and hands the password to the back end over the port; the back end sends each change back here.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** The part of Electron's safeStorage used here (getSelectedStorageBackend exists on Linux only). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export class SafeStorageSecretFile {
  constructor(
    readonly file: string,
    private readonly safeStorage: SafeStorageLike,
  ) {}

  /**
   * Encryption the OS vouches for. On Linux without a keyring Chromium falls back to a key built into
   * the program ('basic_text'): that is no better than plain text, so it does not count.
   */
  get available(): boolean {
    if (!this.safeStorage.isEncryptionAvailable()) return false;
    return process.platform !== 'linux' || this.safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
  }

  /** The kept password, or null (none kept, or it cannot be decrypted any more: the app asks again). */
  read(): string | null {
    if (!this.available || !existsSync(this.file)) return null;
    try {
      const encrypted = readFileSync(this.file);
      return encrypted.length === 0 ? null : this.safeStorage.decryptString(encrypted);
    } catch {
      return null;
    }
  }

  /** Keeps the password (encrypted, whole or not at all), or forgets it (null). Without safeStorage nothing is written. */
  write(password: string | null): void {
    if (password === null) {
      rmSync(this.file, { force: true });
      return;
    }
    if (!this.available) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, this.safeStorage.encryptString(password), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
