// The hidden id each rendered form carries: 128 random bits. Posting the same rendered form
// again (double click, refresh, retry) repeats the id, and intake() treats it as one message.
import { randomBytes } from 'node:crypto';

export function newSubmissionId(): string {
  return randomBytes(16).toString('base64url');
}
