// The direction of a send unit: this office sends, another office receives. Shared by the app's send
// step (client/app/sendChecks.ts, with partner names) and the agent (client/agent/outgoing.ts), which
// must not depend on the app's modules.
import type { Text, UnitBlock } from '../../shared/api/types.js';

/** Why this office may not send the unit, or null: sender must be this office, receiver another one. */
export function directionBlock(u: { sender: { office: string }; receiver: { office: string } }, self: string, nameOf: (office: string) => string | null = () => null): UnitBlock | null {
  const { sender, receiver } = u;
  // 「ひまわり訪問介護（1310000029）から」, or 「1310000029 から」 when the name is not known.
  const from = nameOf(sender.office) ? `${nameOf(sender.office)}（${sender.office}）` : `${sender.office} `;
  let message: Text | null = null;
  if (sender.office !== self && receiver.office === self) {
    message = {
      ja: `これは ${from}からこの事業所（${self}）に届いたファイルです。送り返すものではないため送れません`,
      en: `These files came to this office (${self}) from ${from.trim()}; they are not to be sent back`,
    };
  } else if (sender.office !== self) {
    message = {
      ja: `送信元の事業所番号が ${sender.office} になっています。この事業所（${self}）のファイルではないため送れません。介護ソフトの事業所番号を確かめて出力し直してください`,
      en: `The sender office is ${sender.office}, not this office (${self}), so these files cannot be sent. Check the office number in the care software and export again`,
    };
  } else if (receiver.office === self) {
    message = {
      ja: `送信先がこの事業所（${self}）自身になっています。介護ソフトで送信先の事業所を確かめて出力し直してください`,
      en: `The receiver is this office itself (${self}). Check the receiving office in the care software and export again`,
    };
  }
  return message ? { kind: 'direction', message, sentAt: null } : null;
}
