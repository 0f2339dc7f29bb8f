// STARTTLS is offered only with a configured certificate and key, and then it works: a client
// that requires TLS delivers through it. (Without them no STARTTLS is offered: smtp.test.ts.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSmtpListener, type SmtpListener } from '../../server/email';
import { emailReceiver } from '../../server/email-channel';
import { parseEnv } from '../../server/env';
import { freePort } from '../support/dovecot';
import { mailText } from '../support/email';
import { testContext } from '../support/ticket-context';

let listener: SmtpListener;
const ctx = testContext();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const config = parseEnv({
    DATABASE_URL: ':memory:',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(await freePort()),
    SMTP_TLS_CERT: join(dir, 'cert.pem'),
    SMTP_TLS_KEY: join(dir, 'key.pem'),
  });
  listener = (await startSmtpListener({ receiver: emailReceiver(ctx, config), config, log: pino({ level: 'silent' }), onStored: () => {} }))!;
});
afterAll(() => listener?.close());

it('delivers over STARTTLS with the configured certificate', async () => {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
  });
  const info = await transport.sendMail({ envelope: { from: 'a@example.com', to: ['complaints@example.com'] }, raw: mailText({ id: '<tls-1@x>' }) });
  transport.close();
  expect(info.response).toMatch(/^250 .*CMP-/);
});

it('a certificate without a key is refused at start-up, naming the variable', () => {
  expect(() => parseEnv({ SMTP_TLS_CERT: '/etc/cert.pem' })).toThrow('SMTP_TLS_KEY must be set too');
});
