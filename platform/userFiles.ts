// Files the app writes into a folder the user picked (a PDF from 「PDFで保存」). A file already there is
// never replaced, even when the save dialog asked "replace?": the new file takes a free name beside it
// (「第1表 (2).pdf」), the way Explorer numbers copies. Written durably through platform/ (temporary
// file, then rename), readable by the user's other programs (0644, not the app's private mode).
import { basename, dirname } from 'node:path';
import { freeName, writeDurableAsync } from './fs.js';

/** Writes `data` at `path` or, when that name is taken, at the next free name; returns where. */
export async function saveBesideExisting(path: string, data: Buffer): Promise<string> {
  const target = freeName(dirname(path), basename(path));
  await writeDurableAsync(target, data, { mode: 0o644 });
  return target;
}
