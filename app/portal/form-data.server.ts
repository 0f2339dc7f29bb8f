// Reads a portal form post without ever holding more than the limits allow. Multipart bodies
// are streamed part by part: a file keeps at most MAX_ATTACHMENT_BYTES in memory and is
// dropped (the rest of it read and discarded) once it passes the limit or once its first bytes
// show it is not a PDF, PNG or JPEG; text fields keep their first 64 KiB, which is already
// longer than any field allows, so the schema reports them as too long. Whatever went wrong
// with a file is reported per file so the form can say so beside the field.
import { unstable_parseMultipartFormData, type UploadHandler } from '@remix-run/node';
import { detectAttachmentType, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, safeFilename } from '../tickets/attachment-type';

export type FileProblem = { field: string; filename: string; problem: 'too-large' | 'type' | 'too-many' };

export interface PortalForm {
  formData: FormData;
  fileProblems: FileProblem[];
  /** The body went past what any valid form can weigh; answer 413. */
  tooLarge: boolean;
  /** The body could not be read as a form at all. */
  unreadable: boolean;
}

const MAX_TEXT_PART_BYTES = 64 * 1024;
const MAX_PARTS = 100;
/** Five full attachments plus the text fields; beyond this the post is refused outright. */
export const MAX_MULTIPART_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 2 * 1024 * 1024;
/** The url-encoded forms carry no files. */
const MAX_URLENCODED_BYTES = 512 * 1024;

class BodyTooLarge extends Error {}

export async function readPortalForm(request: Request): Promise<PortalForm> {
  const type = (request.headers.get('Content-Type') ?? '').toLowerCase();
  const declared = Number(request.headers.get('Content-Length') ?? 'NaN');
  const empty = (): PortalForm => ({ formData: new FormData(), fileProblems: [], tooLarge: false, unreadable: false });

  if (type.startsWith('multipart/form-data')) {
    // A declared length far beyond the limit is refused before a byte is read.
    if (declared > MAX_MULTIPART_BYTES * 2) return { ...empty(), tooLarge: true };
    return readMultipart(request);
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    if (declared > MAX_URLENCODED_BYTES) return { ...empty(), tooLarge: true };
    try {
      const text = await readBounded(request, MAX_URLENCODED_BYTES);
      const formData = new FormData();
      for (const [k, v] of new URLSearchParams(text)) formData.append(k, v);
      return { ...empty(), formData };
    } catch (error) {
      if (error instanceof BodyTooLarge) return { ...empty(), tooLarge: true };
      return { ...empty(), unreadable: true };
    }
  }
  return { ...empty(), unreadable: true };
}

async function readBounded(request: Request, max: number): Promise<string> {
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > max) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readMultipart(request: Request): Promise<PortalForm> {
  const collected = new FormData();
  const fileProblems: FileProblem[] = [];
  let total = 0;
  let parts = 0;
  let files = 0;

  const count = (n: number) => {
    total += n;
    if (total > MAX_MULTIPART_BYTES) throw new BodyTooLarge();
  };

  const handler: UploadHandler = async ({ name, filename, contentType, data }) => {
    parts += 1;
    if (parts > MAX_PARTS) throw new BodyTooLarge();
    if (filename === undefined) {
      const chunks: Uint8Array[] = [];
      let kept = 0;
      for await (const chunk of data) {
        count(chunk.byteLength);
        if (kept < MAX_TEXT_PART_BYTES) {
          const room = MAX_TEXT_PART_BYTES - kept;
          chunks.push(chunk.byteLength > room ? chunk.subarray(0, room) : chunk);
          kept += Math.min(room, chunk.byteLength);
        }
      }
      // A cut in the middle of a UTF-8 sequence decodes to U+FFFD; the field is too long anyway.
      collected.append(name, Buffer.concat(chunks).toString('utf8'));
      return undefined;
    }

    const shownName = safeFilename(filename);
    const chunks: Uint8Array[] = [];
    let size = 0;
    // A sixth file is refused without keeping a byte of it.
    let problem: FileProblem['problem'] | undefined = files >= MAX_ATTACHMENTS ? 'too-many' : undefined;
    let checkedType = false;
    for await (const chunk of data) {
      count(chunk.byteLength);
      size += chunk.byteLength;
      if (problem) continue; // read and discarded, never kept
      chunks.push(chunk);
      if (!checkedType && size >= 16) {
        checkedType = true;
        if (!detectAttachmentType(Buffer.concat(chunks).subarray(0, 16))) problem = 'type';
      }
      if (!problem && size > MAX_ATTACHMENT_BYTES) problem = 'too-large';
      if (problem) chunks.length = 0;
    }
    // An empty file input posts a nameless, empty part: nothing was chosen.
    if (size === 0 && filename === '') return undefined;
    if (!problem && !checkedType && !detectAttachmentType(Buffer.concat(chunks))) problem = 'type';
    if (problem) {
      fileProblems.push({ field: name, filename: shownName, problem });
      return undefined;
    }
    files += 1;
    collected.append(name, new File([Buffer.concat(chunks)], shownName, { type: contentType || 'application/octet-stream' }));
    return undefined;
  };

  try {
    await unstable_parseMultipartFormData(request, handler);
    return { formData: collected, fileProblems, tooLarge: false, unreadable: false };
  } catch (error) {
    if (error instanceof BodyTooLarge) return { formData: collected, fileProblems, tooLarge: true, unreadable: false };
    return { formData: collected, fileProblems, tooLarge: false, unreadable: true };
  }
}
