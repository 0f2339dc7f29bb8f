// The complaint every intake benchmark posts: the public web form's fields exactly as a browser
// without JavaScript sends them (multipart, the empty file input included), with a distinct
// client per request (as in real traffic, where each complaint is new) and a fresh submission
// id per request, made the way the form's loader makes it: a repeated id would be a replay,
// which intake() answers without writing a ticket.
import { newSubmissionId } from '../app/portal/submission-id.server';

export const FORM_BOUNDARY = '----RedressBenchBoundary7MA4YWxkTrZu0gW';
export const FORM_CONTENT_TYPE = `multipart/form-data; boundary=${FORM_BOUNDARY}`;

export function complaintForm(n: number): string {
  const fields: Record<string, string> = {
    submissionId: newSubmissionId(),
    name: '李伟',
    email: `bench.${process.pid}.${n}@example.cn`,
    phone: '',
    customerNumber: '',
    product: 'wealth',
    cause: 'mis_selling',
    occurredOn: '2026-01-15',
    amount: '12000.00',
    description: '去年在网点存钱时，客户经理说这是“保本保息的存款”，让我签了字。现在到期发现亏损了8%，才知道是非保本理财。',
    outcome: '退还本金损失',
    consent: 'on',
  };
  const parts = Object.entries(fields).map(([k, v]) => `--${FORM_BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${FORM_BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n`);
  return `${parts.join('')}--${FORM_BOUNDARY}--\r\n`;
}
