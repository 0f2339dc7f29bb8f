// Risk-signal phrase matching. Text and phrases are NFKC-normalized (full-width digits and
// letters become their ASCII forms), lower-cased and whitespace-collapsed. A phrase written in
// Chinese (or any script without spaces between words) matches as a substring; a phrase in
// Latin letters or digits matches only on word boundaries, so "sue" never matches "issue".
import { z } from 'zod';

export const phraseListSchema = z
  .object({
    /** What the list is about, shown to staff. */
    label: z.string().trim().min(1).max(200).optional(),
    phrases: z.array(z.string().trim().min(1, 'a phrase cannot be empty').max(200)).min(1, 'a phrase list needs at least one phrase'),
    /** Phrases that contain a listed phrase but mean something else ("想死你了" is not self-harm). */
    except: z.array(z.string().trim().min(1).max(200)).default([]),
  })
  .strict();
export type PhraseList = z.infer<typeof phraseListSchema>;

export interface PhraseMatch {
  list: string;
  /** The phrase as written in the list. */
  phrase: string;
}

export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u2010-\u2015]/g, '-')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

// Word characters for boundary checks: letters of spaced scripts and digits. Han, kana and
// Hangul are deliberately not word characters, so "打12378投诉" still matches "12378".
const WORD_CHAR = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}_]/u;
const SPACED = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{N}]/u;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD_CHAR.test(ch);
}

/** Start offsets of `needle` in `hay`, honouring word boundaries where the phrase's own edges are word characters. */
function occurrences(hay: string, needle: string): number[] {
  const found: number[] = [];
  const chars = [...needle];
  const boundedStart = SPACED.test(chars[0]!);
  const boundedEnd = SPACED.test(chars.at(-1)!);
  let from = 0;
  for (;;) {
    const at = hay.indexOf(needle, from);
    if (at < 0) break;
    from = at + 1;
    const before = at > 0 ? String.fromCodePoint(hay.codePointAt(at - 1)!) : undefined;
    const after = hay[at + needle.length];
    if (boundedStart && isWordChar(before)) continue;
    if (boundedEnd && isWordChar(after)) continue;
    found.push(at);
  }
  return found;
}

export interface CompiledList {
  name: string;
  entries: { phrase: string; normalized: string }[];
  except: string[];
}

export function compileList(name: string, list: PhraseList): CompiledList {
  return {
    name,
    entries: list.phrases.map((phrase) => ({ phrase, normalized: normalizeText(phrase).trim() })),
    except: list.except.map((e) => normalizeText(e).trim()),
  };
}

/** The first phrase of the list found in the text (in list order), or null. */
export function matchList(list: CompiledList, normalizedText: string): PhraseMatch | null {
  const excluded: [number, number][] = [];
  for (const e of list.except) for (const at of occurrences(normalizedText, e)) excluded.push([at, at + e.length]);
  for (const entry of list.entries) {
    const hit = occurrences(normalizedText, entry.normalized).find(
      (at) => !excluded.some(([s, end]) => at >= s && at + entry.normalized.length <= end),
    );
    if (hit !== undefined) return { list: list.name, phrase: entry.phrase };
  }
  return null;
}

export function matchLists(lists: CompiledList[], text: string): PhraseMatch[] {
  const normalized = normalizeText(text);
  return lists.map((l) => matchList(l, normalized)).filter((m): m is PhraseMatch => m !== null);
}
