// Is this mail from a machine? Auto-replies (RFC 3834 Auto-Submitted, Precedence, list
// headers, vendor X-headers, out-of-office subjects in English and Chinese) and bounces
// (delivery reports, mailer-daemon or postmaster senders, empty return path). Such mail is
// never acknowledged (that is how mail loops start) and never opens a ticket by itself.

export interface AutomationInput {
  /** Lower-cased header name → its text. */
  header(name: string): string | undefined;
  contentType: string;
  reportType?: string;
  fromAddress?: string;
  subject?: string;
  /** True when the return path is empty (MAIL FROM:<> or Return-Path: <>). */
  emptyReturnPath: boolean;
}

const OUT_OF_OFFICE = [
  /^\s*(auto(matic)?[\s-]*(reply|response|answer)|autoreply|out of (the )?office|ooo\b|away from (the )?office|on (annual )?leave)/i,
  /(自动回复|自動回覆|自动答复|外出|休假|不在办公室|不在辦公室)/,
];

const FAILURE_SUBJECT =
  /(undeliver|delivery (status|failure|failed|notification)|returned mail|failure notice|mail delivery|退信|投递失败|未能送达|无法投递|系统退信)/i;

export function isAutoReply(m: AutomationInput): boolean {
  const autoSubmitted = m.header('auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return true;
  const precedence = m.header('precedence')?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return true;
  if (m.header('list-id') || m.header('list-unsubscribe')) return true;
  if (m.header('x-autoreply') || m.header('x-autorespond') || m.header('x-autoresponse')) return true;
  const subject = m.subject ?? '';
  return OUT_OF_OFFICE.some((re) => re.test(subject));
}

export function isBounce(m: AutomationInput): boolean {
  if (m.contentType === 'multipart/report' && (m.reportType ?? '').toLowerCase() === 'delivery-status') return true;
  const local = m.fromAddress?.split('@')[0]?.toLowerCase() ?? '';
  if (local === 'mailer-daemon' || local === 'postmaster') return true;
  // An empty return path alone does not make a bounce (RFC 3834 auto-replies and some form
  // mailers use it too); with a delivery-failure subject it does.
  return m.emptyReturnPath && !isAutoReply(m) && FAILURE_SUBJECT.test(m.subject ?? '');
}
