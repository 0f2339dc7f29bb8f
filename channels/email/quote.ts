// Splits a reply into what the client wrote now and the quoted history below it. The
// maintained parser (email-reply-parser) knows Gmail, Apple Mail and many languages; in front
// of it we cut at the separators that Outlook and Chinese clients (Foxmail, QQ, NetEase,
// Outlook in Chinese) put above the quote, which it does not know.
import EmailReplyParser from 'email-reply-parser';

const SEPARATORS: RegExp[] = [
  // Foxmail / QQ / NetEase / Outlook zh: "------------------ 原始邮件 ------------------"
  /^[ \t]*-{2,}[ \t]*(原始邮件|原始郵件|Original)[ \t]*-{2,}[ \t]*$/im,
  /^[ \t]*-{2,}[ \t]*Original Message[ \t]*-{2,}[ \t]*$/im,
  // Outlook's header block, English and Chinese: "From: …" followed by "Sent:/Date:/发送时间:".
  /^[ \t]*\**(From|发件人|寄件者)[ \t]*[:：].*\r?\n[ \t]*\**(Sent|Date|发送时间|发件时间|日期|寄件日期)[ \t]*[:：]/im,
  // Outlook's horizontal rule above that block.
  /^_{20,}[ \t]*\r?\n[ \t]*\**(From|发件人|寄件者)[ \t]*[:：]/im,
];

export interface SplitReply {
  /** What the sender wrote in this message. */
  visible: string;
  /** The quoted history, empty when there is none. */
  quoted: string;
}

const parser = new EmailReplyParser();

/**
 * Something the reply parser could act on: a quoted line, a quote header ("wrote:", "写道",
 * "From:"…), a separator line or a signature phrase. The parser costs milliseconds per 50 KB
 * (it reverses the text and runs dozens of patterns per line), so text with none is not given to it.
 */
const QUOTE_CLUES =
  /^[ \t]*>|wrote:|写道|écrit|escribió|scritto|escreveu|schrieb|schreef|pisze|napisał|skrev|kirjoitti|작성|のメッセージ|^[ \t]*(From|De|Von|Van|Da)[ \t]?:|^[ \t]*[-_=+]{2,}|^-- $|^(Sent|Envoyé|Enviado|Gesendet|Sendt|Verzonden|Verstuurd|Télécharger|Get Outlook)|regards|cordialement|cheers|best wishes|Bien . vous|Bonne (journ|soir)/im;

export function splitReply(text: string): SplitReply {
  const normalized = text.replace(/\r\n/g, '\n');
  let cut = normalized.length;
  for (const re of SEPARATORS) {
    const m = re.exec(normalized);
    if (m && m.index < cut) cut = m.index;
  }
  const head = normalized.slice(0, cut);
  let visible = QUOTE_CLUES.test(head) ? parser.read(head).getVisibleText().trim() : head.trim();
  // A message that is nothing but a quote (a forward without comment) keeps its text visible.
  if (visible.length === 0) visible = head.trim() || normalized.trim();
  const quoted = normalized.trim() === visible ? '' : normalized.slice(normalized.indexOf(visible) + visible.length).trim();
  return { visible, quoted };
}
