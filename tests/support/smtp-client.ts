// A bare SMTP client over a socket: delivers raw bytes exactly as given (nodemailer would
// rewrite line endings and refuse malformed addresses), one command at a time, and reports the
// server's last reply. Used by the reliability tests.
import { connect } from 'node:net';

export interface SmtpReply {
  /** The reply code of the step that ended the dialogue (250 after DATA when accepted). */
  code: number;
  text: string;
  /** Which step it was: greeting, ehlo, mail, rcpt, data, message. */
  step: string;
}

export function smtpDeliver(
  port: number,
  input: { from: string | Buffer; to: (string | Buffer)[]; data: Buffer; timeoutMs?: number; localAddress?: string },
): Promise<SmtpReply> {
  const steps: { step: string; send?: Buffer }[] = [
    { step: 'greeting' },
    { step: 'ehlo', send: Buffer.from('EHLO hostile.test\r\n') },
    { step: 'mail', send: Buffer.concat([Buffer.from('MAIL FROM:<'), Buffer.from(input.from), Buffer.from('>\r\n')]) },
    ...input.to.map((to) => ({ step: 'rcpt', send: Buffer.concat([Buffer.from('RCPT TO:<'), Buffer.from(to), Buffer.from('>\r\n')]) })),
    { step: 'data', send: Buffer.from('DATA\r\n') },
    { step: 'message', send: Buffer.concat([dotStuff(input.data), Buffer.from('\r\n.\r\n')]) },
  ];
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: input.localAddress });
    let buffer = '';
    let i = 0;
    let done = false;
    const finish = (r: SmtpReply | Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.end('QUIT\r\n');
      socket.destroySoon?.();
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    const timer = setTimeout(() => finish(new Error(`SMTP: no reply at step ${steps[i]?.step}`)), input.timeoutMs ?? 30_000);
    socket.on('error', (e) => finish(e));
    socket.on('close', () => finish(new Error(`SMTP: connection closed at step ${steps[i]?.step}: ${buffer}`)));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      // A reply is complete at a line "NNN text" (a space, not a dash, after the code).
      for (;;) {
        const m = /^(\d{3}) [^\r\n]*\r\n/m.exec(buffer);
        if (!m) return;
        const code = Number(m[1]);
        const text = buffer.slice(0, m.index + m[0].length);
        buffer = buffer.slice(m.index + m[0].length);
        const current = steps[i]!;
        const expected = current.step === 'data' ? 354 : current.step === 'greeting' ? 220 : 250;
        if (code !== expected || current.step === 'message') return finish({ code, text: text.trim(), step: current.step });
        i += 1;
        socket.write(steps[i]!.send!);
      }
    });
  });
}

/** RFC 5321 transparency: a line that starts with "." gets another; bare LF become CRLF. */
function dotStuff(data: Buffer): Buffer {
  const text = data.toString('latin1').replace(/\r?\n/g, '\r\n');
  return Buffer.from(text.replace(/(^|\r\n)\./g, '$1..'), 'latin1');
}
