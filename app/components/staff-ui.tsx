// Small pieces every staff page uses: the CSRF field, the translator for the signed-in
// person's language, and the SLA chip.
import { useRouteLoaderData } from '@remix-run/react';
import type { Language, TicketStatus } from '../../db/constants';
import { formatDuration, st, type StaffKey } from '../i18n/staff';

export interface StaffShellData {
  user: { id: number; name: string; role: string; language: Language; teamId: number | null };
  csrf: string;
  perms: Record<string, boolean>;
}

export function useStaffShell(): StaffShellData {
  const data = useRouteLoaderData<StaffShellData>('routes/staff');
  if (!data) throw new Error('useStaffShell outside /staff');
  return data;
}

export function useStaffT(): { lang: Language; t: (key: StaffKey, vars?: Record<string, string | number>) => string } {
  const data = useRouteLoaderData<StaffShellData>('routes/staff');
  const lang = data?.user.language ?? 'zh';
  return { lang, t: (key, vars) => st(lang, key, vars) };
}

export function CsrfField() {
  const { csrf } = useStaffShell();
  return <input type="hidden" name="csrf" value={csrf} />;
}

/** Time left on the SLA, amber when the engine says warning, red when breached, grey when paused. */
export function SlaChip({
  dueAt,
  state,
  status,
  now,
  lang,
}: {
  dueAt: number | null;
  state: string | null;
  status: TicketStatus;
  now: number;
  lang: Language;
}) {
  if (status === 'pending' || state === 'paused') {
    return <span className="chip chip-paused" data-sla="paused">{st(lang, 'sla.paused')}</span>;
  }
  if (status === 'resolved' || status === 'closed' || dueAt == null) {
    return <span className="chip chip-none" data-sla="none">{st(lang, 'sla.none')}</span>;
  }
  const left = dueAt - now;
  if (state === 'breached' || left < 0) {
    return <span className="chip chip-breached" data-sla="breached">{st(lang, 'sla.breached', { time: formatDuration(left, lang) })}</span>;
  }
  const cls = state === 'warning' ? 'chip chip-warning' : 'chip chip-ok';
  return <span className={cls} data-sla={state ?? 'ok'}>{st(lang, 'sla.left', { time: formatDuration(left, lang) })}</span>;
}

export interface Choice {
  value: string | number;
  label: string;
}

/**
 * A <select> over a list of choices, led by an empty choice when `empty` names it ("any" in a
 * filter, "no team" in a form): the one markup for the staff pages' filter and form selects.
 */
export function ChoiceSelect({
  name,
  choices,
  empty,
  defaultValue,
  label,
}: {
  name: string;
  choices: readonly Choice[];
  empty?: string;
  defaultValue?: string | number | null;
  /** Accessible name, for a select without a visible label of its own. */
  label?: string;
}) {
  return (
    <select name={name} defaultValue={defaultValue ?? ''} aria-label={label}>
      {empty !== undefined ? <option value="">{empty}</option> : null}
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

/** Choices from stable codes and their labels in the page's language. */
export function choicesOf<K extends string>(codes: readonly K[], labels: Record<K, string>): Choice[] {
  return codes.map((code) => ({ value: code, label: labels[code] }));
}
