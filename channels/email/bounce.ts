// Reads a bounce: which message it returns (by Message-ID), to whom, and whether the failure
// is permanent (5.x.x, hard) or temporary (4.x.x or "delayed", soft). Delivery reports
// (RFC 3464) say it in fields; older mailer-daemon prose is searched for the same clues.

export interface BounceReport {
  /** Message-IDs named by the returned message's headers, most specific first. */
  originalMessageIds: string[];
  recipient?: string;
  status?: string;
  hard: boolean;
  diagnostic?: string;
}

const MESSAGE_ID_LINE = /^(?:Message-ID|Original-Message-ID)[ \t]*:[ \t]*(<[^>\s]+>)/gim;

export function readBounce(input: {
  /** Text of the delivery-status parts (message/delivery-status). */
  statusParts: string[];
  /** Headers or whole text of the returned message (message/rfc822, text/rfc822-headers). */
  returnedParts: string[];
  /** The bounce's readable text. */
  text: string;
  /** The raw bytes as latin1, searched last for Message-ID lines. */
  rawText: string;
  ownMessageId?: string;
  references: string[];
}): BounceReport {
  const status = input.statusParts.join('\n');
  const field = (name: string) => new RegExp(`^${name}[ \\t]*:[ \\t]*(.+)$`, 'im').exec(status)?.[1]?.trim();

  const statusCode = field('Status')?.match(/[245]\.\d{1,3}\.\d{1,3}/)?.[0] ?? input.text.match(/\b[45]\.\d{1,3}\.\d{1,3}\b/)?.[0];
  const action = field('Action')?.toLowerCase();
  const recipientField = field('Final-Recipient') ?? field('Original-Recipient');
  const recipient = recipientField?.replace(/^rfc822\s*;\s*/i, '').replace(/[<>]/g, '').trim().toLowerCase() || undefined;
  const diagnostic = field('Diagnostic-Code')?.replace(/^smtp\s*;\s*/i, '').slice(0, 500);

  const ids: string[] = [];
  const add = (id: string) => {
    if (id !== input.ownMessageId && !ids.includes(id)) ids.push(id);
  };
  for (const part of input.returnedParts) for (const m of part.matchAll(MESSAGE_ID_LINE)) add(m[1]!);
  for (const id of input.references) add(id);
  if (ids.length === 0) for (const m of input.rawText.matchAll(MESSAGE_ID_LINE)) add(m[1]!);

  const soft = action === 'delayed' || statusCode?.startsWith('4') === true;
  return {
    originalMessageIds: ids.slice(0, 20),
    recipient,
    status: statusCode,
    hard: !soft,
    diagnostic,
  };
}
