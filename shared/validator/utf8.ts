// Tells a UTF-8 file from MS932: a file that is entirely valid UTF-8 and has multi-byte sequences
// is almost surely UTF-8 (MS932 text breaks UTF-8 rules within a few characters). Stops looking
// at the first violation, so MS932 files cost next to nothing.
export class Utf8Sniffer {
  private valid = true;
  private multibyte = false;
  private need = 0;

  push(bytes: Uint8Array): void {
    if (!this.valid) return;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (this.need > 0) {
        if ((b & 0xc0) !== 0x80) {
          this.valid = false;
          return;
        }
        this.need--;
        continue;
      }
      if (b < 0x80) continue;
      if (b >= 0xc2 && b <= 0xdf) this.need = 1;
      else if (b >= 0xe0 && b <= 0xef) this.need = 2;
      else if (b >= 0xf0 && b <= 0xf4) this.need = 3;
      else {
        this.valid = false;
        return;
      }
      this.multibyte = true;
    }
  }

  looksLikeUtf8(): boolean {
    return this.valid && this.need === 0 && this.multibyte;
  }
}
