// The shapes that cross the boundary between providers and the ticket model. Inbound
// translators produce an InboundMessage; outbound senders take an OutboundMessage and return
// a SendResult. Nothing here knows what a ticket is.

export type InboundChannel = 'web' | 'sms' | 'email' | 'phone' | 'branch';

export interface InboundAttachment {
  filename: string;
  /** What the sender claimed; the stored type is decided from the bytes. */
  declaredType?: string;
  /** The bytes, when the provider delivered them inline. */
  content?: Uint8Array;
  /** Where the bytes still have to be fetched from (MMS media). */
  sourceUrl?: string;
  /** Inline part of an HTML email (cid:), kept as an attachment all the same. */
  inline?: boolean;
}

/** Clues a translator found about which conversation a message continues. */
export type ThreadHint =
  /** A public reference such as CMP-2026-000123 quoted by the sender. Honoured only for the ticket's own customer. */
  | { kind: 'reference'; reference: string }
  /** A tracking-link token: possession is the authorization (web follow-ups). */
  | { kind: 'tracking-token'; token: string }
  /** Message-IDs from In-Reply-To / References. */
  | { kind: 'message-ids'; ids: string[] }
  /** The token of a reply+<token>@ address. */
  | { kind: 'reply-token'; token: string }
  /** Join the sender's most recent open ticket (or one resolved within the window). */
  | { kind: 'recent-open'; withinDays: number };

/** Mail or texts that a machine sent: stored, never acknowledged, never a new complaint by themselves. */
export type AutomatedKind = 'auto-reply' | 'bounce';

export interface InboundMessage {
  channel: InboundChannel;
  sender: {
    name?: string;
    /** Lower-cased address. */
    email?: string;
    /** E.164 number. */
    phone?: string;
    /** A sender that is neither (short code, alphanumeric id): stored, never answered. */
    other?: string;
  };
  subject?: string;
  text: string;
  /** Sanitized HTML for display. */
  html?: string;
  attachments: InboundAttachment[];
  /** Unique per channel; a second delivery with the same id is a no-op. */
  providerMessageId: string;
  threadHints: ThreadHint[];
  receivedAt: Date;
  language?: 'zh' | 'en';
  automated?: AutomatedKind;
  /**
   * Where an acknowledgement goes when it is not the sender's own address (email Reply-To);
   * null: never acknowledge (an empty return path). Undefined: the sender's address.
   */
  ackTo?: string | null;
  /** Channel details kept with the message (headers, segments, raw size…). */
  meta?: Record<string, unknown>;
}

export interface OutboundMessage {
  id: number;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  body: string;
  html: string | null;
  headers: Record<string, string>;
}

export type SendResult =
  | { ok: true; providerId?: string }
  /** permanent: retrying cannot help (invalid number, 5xx rejection); the row fails at once. */
  | { ok: false; permanent: boolean; error: string; retryAfterMs?: number };

export type Sender = (message: OutboundMessage) => Promise<SendResult>;
