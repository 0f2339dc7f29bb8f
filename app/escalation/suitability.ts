// Suitability and client-risk signals for a complaint, from the customer's risk profile and
// holdings: pure, so the rules engine, rules:test and the staff panel agree.
import type { Product } from '../../db/constants';
import { normalizeText } from './phrases';

export interface ProfileFacts {
  riskLevel: string | null;
  assessedOn: string | null;
  birthDate: string | null;
  ageBand: string | null;
  vulnerable: boolean;
}

export interface HoldingFacts {
  productCode: string;
  name: string;
  type: string;
  riskLevel: string;
}

export interface RiskFlag {
  flag: 'suitability-mismatch' | 'assessment-missing' | 'vulnerable' | 'repeat';
  detail: string;
}

export const VULNERABLE_AGE = 65;
export const REPEAT_COMPLAINTS = 3;
export const REPEAT_DAYS = 90;

/** Age in whole years at `now`: from the birth date, else the lower bound of the age band ("65+", "60-64"). */
export function ageOf(p: Pick<ProfileFacts, 'birthDate' | 'ageBand'> | undefined, now: Date): number | null {
  if (!p) return null;
  if (p.birthDate) {
    const [y, m, d] = p.birthDate.split('-').map(Number) as [number, number, number];
    let age = now.getUTCFullYear() - y;
    if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age--;
    return age;
  }
  const band = p.ageBand?.match(/^(\d{1,3})\s*(?:\+|-\s*\d{1,3}|–\s*\d{1,3})?$/);
  return band ? Number(band[1]) : null;
}

function level(code: string | null): number | null {
  const n = code ? Number(code.slice(1)) : NaN;
  return Number.isInteger(n) ? n : null;
}

/** Holdings the complaint is about: of the ticket's product category, or named (code or name) in its text. */
export function heldProductsConcerned(holdings: HoldingFacts[], product: Product | null, text: string): HoldingFacts[] {
  // Most customers hold nothing on record: then the text (a long email, say) is not worth normalizing.
  if (holdings.length === 0) return [];
  const normalized = normalizeText(text);
  return holdings.filter(
    (h) =>
      (product !== null && h.type === product) ||
      normalized.includes(normalizeText(h.productCode)) ||
      (h.name.length >= 2 && normalized.includes(normalizeText(h.name))),
  );
}

export function assessmentStale(assessedOn: string | null, now: Date): boolean {
  if (!assessedOn) return true;
  const yearAgo = new Date(now);
  yearAgo.setUTCFullYear(yearAgo.getUTCFullYear() - 1);
  return assessedOn < yearAgo.toISOString().slice(0, 10);
}

export function riskFlagsFor(input: {
  profile: ProfileFacts | undefined;
  concerned: HoldingFacts[];
  complaintsIn90Days: number;
  now: Date;
}): RiskFlag[] {
  const { profile, concerned, now } = input;
  const flags: RiskFlag[] = [];
  if (concerned.length > 0) {
    const customerLevel = level(profile?.riskLevel ?? null);
    const above = concerned.filter((h) => customerLevel !== null && (level(h.riskLevel) ?? 0) > customerLevel);
    if (above.length > 0) {
      const critical = customerLevel === 1;
      const what = above.map((h) => `${h.productCode} ${h.name} (${h.riskLevel})`).join(', ');
      flags.push({
        flag: 'suitability-mismatch',
        detail: `${critical ? 'critical: ' : ''}${what} above the customer's ${profile!.riskLevel}`,
      });
    }
    if (!profile?.riskLevel || assessmentStale(profile.assessedOn, now)) {
      flags.push({
        flag: 'assessment-missing',
        detail: profile?.assessedOn ? `last assessed ${profile.assessedOn}, more than a year ago` : 'no risk assessment on record',
      });
    }
  }
  const age = ageOf(profile, now);
  if (age !== null && age >= VULNERABLE_AGE) flags.push({ flag: 'vulnerable', detail: `aged ${age}${profile?.birthDate ? '' : ` (band ${profile?.ageBand})`}` });
  else if (profile?.vulnerable) flags.push({ flag: 'vulnerable', detail: 'marked vulnerable in the customer records' });
  if (input.complaintsIn90Days >= REPEAT_COMPLAINTS) {
    flags.push({ flag: 'repeat', detail: `${input.complaintsIn90Days} complaints in ${REPEAT_DAYS} days` });
  }
  return flags;
}
