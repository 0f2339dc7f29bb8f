// Public references: CMP-2026-000123. Sequential per kind and year, so they reveal nothing a
// tracking link would not; access always needs the link's token or a staff session.
import { REFERENCE_PATTERN, REFERENCE_PREFIX, type TicketKind } from '../../db/constants';

export function formatReference(kind: TicketKind, year: number, n: number): string {
  return `${REFERENCE_PREFIX[kind]}-${year}-${String(n).padStart(6, '0')}`;
}

/** The first reference found in a text (subject line, start of a text message), upper-cased. */
export function findReference(text: string): string | undefined {
  const m = REFERENCE_PATTERN.exec(text.toUpperCase());
  return m?.[0];
}
