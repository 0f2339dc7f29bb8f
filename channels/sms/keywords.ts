// The carrier keywords an SMS line must honour. A body that is exactly one of them (any case,
// surrounding spaces ignored) is a command, not a complaint.

export type SmsKeyword = 'stop' | 'start' | 'help';

const STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'CANCEL', 'OPTOUT', 'REVOKE']);
const START = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP']);

export function smsKeyword(body: string): SmsKeyword | null {
  const word = body.trim().toUpperCase();
  if (STOP.has(word)) return 'stop';
  if (START.has(word)) return 'start';
  if (HELP.has(word)) return 'help';
  return null;
}
