// The tray: what a clerk sees of the app while its window is closed. Its menu (開く, 今すぐ受信,
// 送信を一時停止, 終了) and its look (a second icon and a tooltip that says why when something needs a
// person) are computed here from the back end's status, so they can be tested without Electron.
import type { MenuItemConstructorOptions } from 'electron';
import type { OfficeStatus } from '../port/protocol.js';

export const PRODUCT = 'ケアプランリンク';

export interface TrayActions {
  open(office: number): void;
  receiveNow(): void;
  /** Pauses (true) or resumes (false) the agents' automatic sending. */
  setPaused(paused: boolean): void;
  quit(): void;
}

/** Sending is paused when no office sends by itself. */
export const isPaused = (status: OfficeStatus[]): boolean => status.length > 0 && status.every((s) => !s.autoSend);

export function trayMenu(offices: { name: string }[], status: OfficeStatus[], actions: TrayActions): MenuItemConstructorOptions[] {
  const open: MenuItemConstructorOptions[] =
    offices.length === 1 ? [{ label: '開く', click: () => actions.open(0) }] : offices.map((o, i) => ({ label: `${o.name} を開く`, click: () => actions.open(i) }));
  return [
    ...open,
    { type: 'separator' },
    { label: '今すぐ受信', click: () => actions.receiveNow() },
    // A checkbox: Electron ticks or clears it before the click, so `checked` is what was asked for.
    { label: '送信を一時停止', type: 'checkbox', checked: isPaused(status), click: (item) => actions.setPaused(item.checked) },
    { type: 'separator' },
    { label: '終了', click: () => actions.quit() },
  ];
}

/** The tray's tooltip, and whether it shows the attention icon (and the taskbar its overlay). */
export function trayLook(status: OfficeStatus[]): { attention: boolean; tooltip: string } {
  const lines: string[] = [];
  if (status.some((s) => s.phase === 'setup')) lines.push('初期設定をしてください');
  if (status.some((s) => s.phase === 'locked')) lines.push('証明書のパスワードを入力してください');
  const n = status.reduce((sum, s) => sum + s.attention, 0);
  if (n > 0) lines.push(`確認が必要なことが ${n} 件あります`);
  const attention = lines.length > 0;
  if (isPaused(status)) lines.push('送信を一時停止しています');
  if (lines.length === 0) lines.push(status.length ? '受信と送信を続けています' : '起動しています');
  // Windows cuts a tray tooltip at 127 characters.
  return { attention, tooltip: [PRODUCT, ...lines].join('\n').slice(0, 127) };
}
