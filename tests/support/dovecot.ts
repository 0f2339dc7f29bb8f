// A real IMAP server for the email tests: Debian's dovecot, started on a loopback port with a
// private configuration in a temporary folder (no system service), one passwd-file user and
// a maildir. Installed by scripts/test.mjs when missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DOVECOT = '/usr/sbin/dovecot';

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  dir: string;
  url(mailbox?: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('* OK'));
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startDovecot(): Promise<Dovecot> {
  if (!existsSync(DOVECOT)) throw new Error(`${DOVECOT} is missing: apt-get install -y dovecot-imapd (npm test installs it when run as root)`);
  const dir = mkdtempSync(join(tmpdir(), 'redress-dovecot-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const user = 'complaints';
  const password = 'imap-test-password';
  // Mail processes may not run as root; the mailbox belongs to nobody.
  const uid = 65534;
  const gid = 65534;
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  chownSync(home, uid, gid);
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}:${uid}:${gid}::${home}\n`);
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:${home}/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  const configPath = join(dir, 'dovecot.conf');
  writeFileSync(configPath, config);
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    child = spawn(DOVECOT, ['-F', '-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) break;
      if (await canConnect(port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
    throw new Error(`dovecot did not start:\n${output}\n${log}`);
  }

  async function stop(): Promise<void> {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  }

  await start();
  return {
    port,
    user,
    password,
    dir,
    url: (mailbox = 'INBOX') => `imap://${user}:${password}@127.0.0.1:${port}/${mailbox}`,
    start,
    stop,
  };
}
