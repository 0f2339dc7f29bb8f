// A local SMTP server standing in for the outbound mail relay, for tests and the drill: it keeps
// every message it accepts (envelope recipients and raw bytes), and can be told to answer DATA
// with an error, to refuse MAIL FROM with 451 (an outage), or to stop listening altogether (the
// relay down) and come back on the same port.
import { SMTPServer } from 'smtp-server';
import { freePort } from './dovecot';

export interface SunkMail {
  to: string[];
  raw: Buffer;
}

export type SinkMode = 'up' | 'tempfail' | 'refuse';

export interface MailSink {
  port: number;
  received: SunkMail[];
  /** up: accept; tempfail: 451 at MAIL FROM; refuse: not listening (connections refused). */
  set(mode: SinkMode): Promise<void>;
  /** Answer every DATA with this SMTP error instead of accepting the message; null accepts again. */
  answerData(answer: { code: number; text: string } | null): void;
  close(): Promise<void>;
}

/** The Message-ID of a sunk message, as its header gives it. */
export function messageIdOf(mail: SunkMail): string | undefined {
  const head = mail.raw.toString('utf8').split(/\r?\n\r?\n/, 1)[0] ?? '';
  return /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1];
}

export async function startMailSink(port?: number): Promise<MailSink> {
  const received: SunkMail[] = [];
  let mode: SinkMode = 'up';
  let answer: { code: number; text: string } | null = null;
  let server: SMTPServer | undefined;
  const listenOn = port ?? (await freePort());
  const listen = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onMailFrom(_address, _session, callback) {
        if (mode === 'tempfail') callback(Object.assign(new Error('4.3.2 Try again later (fake outage)'), { responseCode: 451 }));
        else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (answer) return callback(Object.assign(new Error(answer.text), { responseCode: answer.code }));
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
          callback();
        });
      },
    });
    // A sender killed mid-message resets its connection: expected of a relay, not a crash of the sink.
    server.on('error', () => {});
    await new Promise<void>((ok) => server!.listen(listenOn, '127.0.0.1', () => ok()));
  };
  const stop = () => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  await listen();
  return {
    port: listenOn,
    received,
    async set(next) {
      if (next === 'refuse' && mode !== 'refuse') await stop();
      if (next !== 'refuse' && mode === 'refuse') await listen();
      mode = next;
    },
    answerData(next) {
      answer = next;
    },
    close: stop,
  };
}
