// Makes the tray icons from build/icon.png: build/tray.png (16 px) and tray@2x.png (32 px) for the
// normal state, and tray-attention*.png with a red dot in the lower right corner for "something needs
// a person" (also the taskbar's overlay badge). Run by hand when the icon changes:
// `node scripts/make-tray-icons.mjs`; scripts/build-electron.mjs copies the results beside the bundles.
// Plain zlib, no image library: the source is an 8-bit RGBA, non-interlaced PNG.
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateSync, inflateSync } from 'node:zlib';

function readPng(file) {
  const buf = readFileSync(file);
  let pos = 8;
  let width = 0;
  let height = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 6 || data[12] !== 0) throw new Error('expected 8-bit RGBA, non-interlaced');
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const px = Buffer.alloc(width * height * 4);
  const stride = width * 4;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= 4 ? px[y * stride + x - 4] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? px[(y - 1) * stride + x - 4] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter];
      px[y * stride + x] = (v + pred) & 0xff;
    }
  }
  return { width, height, px };
}

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
const crc32 = (b) => {
  let c = -1;
  for (const x of b) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
};
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function writePng(file, size, px) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) px.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  writeFileSync(file, Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
}

/** Box filter with premultiplied alpha: edges stay clean at 16 px. */
function scale(src, size) {
  const out = Buffer.alloc(size * size * 4);
  const f = src.width / size;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0, n = 0;
      for (let sy = Math.floor(y * f); sy < Math.floor((y + 1) * f); sy++)
        for (let sx = Math.floor(x * f); sx < Math.floor((x + 1) * f); sx++) {
          const i = (sy * src.width + sx) * 4;
          const al = src.px[i + 3] / 255;
          r += src.px[i] * al; g += src.px[i + 1] * al; b += src.px[i + 2] * al; a += al; n++;
        }
      const o = (y * size + x) * 4;
      if (a > 0) out.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((a / n) * 255)], o);
    }
  return out;
}

/** A red dot with a white ring in the lower right corner, anti-aliased by 4x4 sampling. */
function withDot(px, size) {
  const out = Buffer.from(px);
  const cx = size * 0.72, cy = size * 0.72, rDot = size * 0.24, rRing = size * 0.3;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let ring = 0, dot = 0;
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) {
          const d = Math.hypot(x + (sx + 0.5) / 4 - cx, y + (sy + 0.5) / 4 - cy);
          if (d <= rDot) dot++;
          else if (d <= rRing) ring++;
        }
      if (!ring && !dot) continue;
      const o = (y * size + x) * 4;
      const cover = (ring + dot) / 16;
      const colour = [(255 * ring + 220 * dot) / (ring + dot), (255 * ring + 38 * dot) / (ring + dot), (255 * ring + 38 * dot) / (ring + dot)];
      const under = out[o + 3] / 255;
      const alpha = cover + under * (1 - cover);
      for (let c = 0; c < 3; c++) out[o + c] = Math.round((colour[c] * cover + out[o + c] * under * (1 - cover)) / alpha);
      out[o + 3] = Math.round(alpha * 255);
    }
  return out;
}

const icon = readPng('build/icon.png');
for (const [suffix, size] of [['', 16], ['@2x', 32]]) {
  const px = scale(icon, size);
  writePng(`build/tray${suffix}.png`, size, px);
  writePng(`build/tray-attention${suffix}.png`, size, withDot(px, size));
}
