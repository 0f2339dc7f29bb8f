// The demo: teams, one staff account per role (plus a second agent) sharing one random
// password, and about 60 tickets in Chinese and English across channels, products, causes and
// statuses. Everything goes through intake() and the ticket functions, so the demo's rows are
// exactly what real use produces: events, outbox rows, threads.
import { randomBytes } from 'node:crypto';
import type { InboundMessage } from '../../channels/types';
import { writeTransaction } from '../../db/client';
import type { Channel, StaffRole } from '../../db/constants';
import { findOrCreateTeam, insertStaffUser } from '../../db/store/staff';
import { hashPassword } from '../staff/password.server';
import type { TicketContext } from '../tickets/context';
import { intake } from '../tickets/intake.server';
import { addNote, replyToClient } from '../tickets/reply.server';
import { updateTicket } from '../tickets/update.server';
import { emailLocal, NAMES, SCENARIOS } from './scenarios';

export interface DemoStaff {
  email: string;
  name: string;
  role: StaffRole;
}

export interface DemoResult {
  password: string;
  staff: DemoStaff[];
  tickets: number;
}

const STAFF: (DemoStaff & { team: string | null; language: 'zh' | 'en' })[] = [
  { email: 'admin@redress.localhost', name: '系统管理员 Admin', role: 'admin', team: null, language: 'zh' },
  { email: 'supervisor@redress.localhost', name: '陈主管 Chen Hui', role: 'supervisor', team: 'Front line', language: 'zh' },
  { email: 'agent@redress.localhost', name: '林晓 Lin Xiao', role: 'agent', team: 'Front line', language: 'zh' },
  { email: 'agent2@redress.localhost', name: 'Tom Reed', role: 'agent', team: 'Front line', language: 'en' },
  { email: 'compliance@redress.localhost', name: '周律 Zhou Lü', role: 'compliance', team: 'Compliance', language: 'zh' },
];

const CHANNELS: Channel[] = ['web', 'email', 'sms', 'web', 'phone', 'email', 'branch', 'web'];
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

const REPLIES = {
  zh: ['您好，我们已收到您的投诉，正在核实相关情况，预计五个工作日内给您答复。', '您好，为尽快处理，请补充提供相关交易凭证或合同照片。', '经核实，我们已为您办理退款，款项将在三个工作日内退回原账户。'],
  en: ['Thank you for getting in touch. We are looking into this and will reply within five working days.', 'To help us investigate, please send us the statement or contract that shows the charge.', 'We have reviewed your case and refunded the amount to your account; it should arrive within three working days.'],
};
const NOTES = {
  zh: '已调取网点录音录像，待合规复核。',
  en: 'Called the client back; they confirmed the dates. Waiting for the branch to send the file.',
};

/** A random password, printed once by the caller; long enough for any sign-in rule. */
export function newDemoPassword(): string {
  return randomBytes(12).toString('base64url');
}

export async function seedDemo(ctx: TicketContext, opts: { now: Date; tickets?: number; password?: string }): Promise<DemoResult> {
  const password = opts.password ?? newDemoPassword();
  // One hash for every demo account: they share the printed password by design, and scrypt at
  // OWASP cost takes long enough that five of them would slow every first start.
  const passwordHash = await hashPassword(password);
  const now = opts.now;
  const staffIds = writeTransaction(ctx.db, (tx) =>
    STAFF.map((s) =>
      insertStaffUser(tx, {
        email: s.email,
        name: s.name,
        role: s.role,
        teamId: s.team ? findOrCreateTeam(tx, s.team, now) : null,
        language: s.language,
        passwordHash,
        now,
      }).id,
    ),
  );
  const agents = [staffIds[2]!, staffIds[3]!, staffIds[1]!];

  const count = opts.tickets ?? 60;
  // Oldest first, so references run in the order the tickets arrived.
  const offsets = Array.from({ length: count }, (_, i) => Math.round(((count - i) / count) * 45 * DAY + (i % 7) * 37 * 60 * 1000));
  for (let i = 0; i < count; i++) {
    const s = SCENARIOS[i % SCENARIOS.length]!;
    const channel = s.kind === 'complaint' || i % 3 === 0 ? CHANNELS[i % CHANNELS.length]! : 'web';
    // Every fifth ticket after the first forty comes from a returning client.
    const person = i >= 40 && i % 5 === 0 ? i - 40 : i;
    const name = NAMES[s.language][person % NAMES[s.language].length]!;
    const email = `${emailLocal(name, person)}@example.${s.language === 'zh' ? 'cn' : 'com'}`;
    const phone = `+86138${String(10_000_000 + person * 7919).slice(-8)}`;
    const sender: InboundMessage['sender'] =
      channel === 'sms' ? { phone } : channel === 'email' ? { name, email } : channel === 'web' && i % 2 ? { name, email, phone } : channel === 'web' ? { name, email } : { name, phone };
    const at = new Date(now.getTime() - offsets[i]!);
    const t = intake(
      ctx,
      {
        channel,
        sender,
        // Text messages have no subject; the ticket's is then taken from the text.
        subject: channel === 'sms' ? undefined : s.subject,
        text: s.text,
        attachments: [],
        providerMessageId: channel === 'email' ? `<demo-${i}.${at.getTime()}@mail.example>` : `demo-${i}-${at.getTime()}`,
        threadHints: [],
        receivedAt: at,
        language: s.language,
      },
      {
        kind: s.kind,
        feedbackType: s.feedbackType ?? null,
        product: s.product,
        cause: s.cause,
        priority: s.flag === 'fraud_risk' ? 'urgent' : s.flag ? 'high' : 'normal',
        amountMinor: s.amount !== undefined ? Math.round(s.amount * 100) : null,
        currency: s.language === 'zh' ? 'CNY' : 'GBP',
        outcomeWanted: s.outcomeWanted ?? null,
        consentToContact: true,
        loggedBy: channel === 'phone' || channel === 'branch' ? agents[i % agents.length]! : null,
      },
    );
    const step = (h: number) => new Date(Math.min(at.getTime() + h * HOUR, now.getTime()));
    const actor = (id: number) => ({ type: 'staff' as const, id: String(id) });
    const staff = agents[i % agents.length]!;
    // The newest tickets stay new and unassigned: the front line's morning queue.
    const age = offsets[i]! / DAY;
    if (age < 4) continue;
    updateTicket(ctx, {
      ticketId: t.ticketId,
      assigneeId: staff,
      status: 'open',
      addFlags: s.flag ? [{ flag: s.flag, detail: s.language === 'zh' ? '关键词命中' : 'matched phrase' }] : [],
      actor: actor(staffIds[1]!),
      now: step(1),
    });
    if (i % 4 === 1) addNote(ctx, { ticketId: t.ticketId, text: NOTES[s.language], author: { type: 'staff', staffId: staff }, now: step(2) });
    const canReply = channel !== 'sms' || i % 2 === 0;
    if (canReply) replyToClient(ctx, { ticketId: t.ticketId, text: REPLIES[s.language][0]!, author: { type: 'staff', staffId: staff }, now: step(3) });
    if (age < 10) continue;
    if (i % 3 === 0 && canReply) {
      replyToClient(ctx, { ticketId: t.ticketId, text: REPLIES[s.language][1]!, author: { type: 'staff', staffId: staff }, now: step(20) });
      updateTicket(ctx, { ticketId: t.ticketId, status: 'pending', actor: actor(staff), now: step(20) });
      if (i % 2 === 0 && t.trackingToken) {
        // The client answers through their tracking link: the message joins the same ticket.
        intake(ctx, {
          channel: 'web',
          sender: sender.email ? { email: sender.email } : { phone: sender.phone },
          text: s.language === 'zh' ? '已按要求上传相关凭证，请查收。' : 'I have attached the statement you asked for.',
          attachments: [],
          providerMessageId: `demo-follow-${i}-${at.getTime()}`,
          threadHints: [{ kind: 'tracking-token', token: t.trackingToken }],
          receivedAt: step(40),
        });
      }
      continue;
    }
    if (age < 20) continue;
    if (canReply) replyToClient(ctx, { ticketId: t.ticketId, text: REPLIES[s.language][2]!, author: { type: 'staff', staffId: staff }, now: step(72) });
    updateTicket(ctx, { ticketId: t.ticketId, status: 'resolved', actor: actor(staff), now: step(72) });
    if (age > 35) updateTicket(ctx, { ticketId: t.ticketId, status: 'closed', actor: actor(staff), now: step(24 * 8) });
  }
  return { password, staff: STAFF.map(({ email, name, role }) => ({ email, name, role })), tickets: count };
}
