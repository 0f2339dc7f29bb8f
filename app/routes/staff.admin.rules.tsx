// Escalation rules for compliance and admins (everyone else gets a 404): the rules in the order
// they run, each rule's JSON edited in place through the same validated save the CLI uses (so
// a refused rule shows every reason and nothing is written), switching a rule on or off, and
// editing the risk-signal phrase lists the same way. Every change is a new version recorded
// with the staff member.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { writeTransaction } from '../../db/client';
import { getConfig, listConfig } from '../../db/store/escalation';
import { InvalidConfig, savePhraseList, saveRule, setRuleEnabled } from '~/escalation/config.server';
import { CsrfField, useStaffT } from '~/components/staff-ui';
import { requireStaff } from '~/staff/guard.server';
import { domainError } from '~/staff/respond.server';

/** What a stored definition says about itself, tolerating a row edited by hand into bad JSON. */
function summary(definition: string): { name: string | null; triggers: string[] } {
  try {
    const json = JSON.parse(definition) as { name?: unknown; triggers?: unknown };
    return {
      name: typeof json.name === 'string' ? json.name : null,
      triggers: Array.isArray(json.triggers) ? json.triggers.filter((t): t is string => typeof t === 'string') : [],
    };
  } catch {
    return { name: null, triggers: [] };
  }
}

function pretty(definition: string): string {
  try {
    return JSON.stringify(JSON.parse(definition), null, 2);
  } catch {
    return definition;
  }
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, { permission: 'rules.manage' });
  const db = context.tickets.db;
  return {
    rules: listConfig(db, 'rule').map((r) => ({
      key: r.key,
      version: r.version,
      enabled: r.enabled,
      ...summary(r.definition),
      definition: pretty(r.definition),
      updatedBy: r.updatedBy,
      updatedAt: r.updatedAt.toISOString(),
    })),
    lists: listConfig(db, 'phrase-list').map((l) => ({ key: l.key, version: l.version, definition: pretty(l.definition) })),
  };
}

const actionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('save'), key: z.string().min(1).max(100), definition: z.string().max(100_000) }),
  z.object({ intent: z.literal('enable'), key: z.string().min(1).max(100), enabled: z.enum(['0', '1']) }),
  z.object({ intent: z.literal('phrases'), key: z.string().min(1).max(100), definition: z.string().max(200_000) }),
]);

/** Problems of a phrase list are keyed apart from a rule's, as a list and a rule may share a name. */
const listKey = (key: string) => `list:${key}`;

type ActionResult =
  | { ok: true; key: string; problems: []; definition: null }
  | { ok: false; key: string | null; problems: string[]; definition: string | null };

function refused(key: string | null, problems: string[], definition: string | null = null) {
  return data<ActionResult>({ ok: false, key, problems, definition }, { status: 400 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireStaff(request, context, { permission: 'rules.manage' });
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return refused(null, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const input = parsed.data;
  const db = context.tickets.db;
  // The author is the email, as the CLI records it, so the change log reads the same either way.
  const author = me.email;
  const now = context.now();
  try {
    if (input.intent === 'enable') {
      writeTransaction(db, (tx) => setRuleEnabled(tx, input.key, input.enabled === '1', author, now));
      return data<ActionResult>({ ok: true, key: input.key, problems: [], definition: null });
    }
    const shownKey = input.intent === 'phrases' ? listKey(input.key) : input.key;
    let json: unknown;
    try {
      json = JSON.parse(input.definition);
    } catch (error) {
      const what = input.intent === 'phrases' ? '(list)' : '(rule)';
      return refused(shownKey, [`${what}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`], input.definition);
    }
    if (input.intent === 'phrases') {
      writeTransaction(db, (tx) => {
        // Like rules, lists are edited here, not created: a typo must not add a list no rule reads.
        if (!getConfig(tx, 'phrase-list', input.key)) throw new InvalidConfig(`Phrase list ${input.key}`, [`(list): no phrase list "${input.key}"`]);
        savePhraseList(tx, input.key, json, author, now);
      });
      return data<ActionResult>({ ok: true, key: shownKey, problems: [], definition: null });
    }
    writeTransaction(db, (tx) => {
      // This page edits existing rules; saving under another key would quietly create a second rule.
      if (!getConfig(tx, 'rule', input.key)) throw new InvalidConfig(`Rule ${input.key}`, [`(rule): no rule "${input.key}"`]);
      const key = typeof json === 'object' && json !== null && 'key' in json ? (json as { key: unknown }).key : undefined;
      if (key !== input.key) throw new InvalidConfig(`Rule ${input.key}`, [`key: must stay "${input.key}"; a rule's key cannot be changed here`]);
      saveRule(tx, json, author, now);
    });
    return data<ActionResult>({ ok: true, key: input.key, problems: [], definition: null });
  } catch (error) {
    if (error instanceof InvalidConfig) {
      return input.intent === 'enable'
        ? refused(input.key, error.problems)
        : refused(input.intent === 'phrases' ? listKey(input.key) : input.key, error.problems, input.definition);
    }
    return domainError(error);
  }
}

export default function Rules() {
  const d = useLoaderData() as Awaited<ReturnType<typeof loader>>;
  const result = useActionData() as ActionResult | undefined;
  const { t } = useStaffT();
  const problemsFor = (key: string | null) =>
    result && !result.ok && result.key === key ? (
      <ul className="form-error" role="alert" data-problems={key ?? ''}>
        {result.problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    ) : null;
  return (
    <section>
      <h1>{t('rules.title')}</h1>
      <p className="hint">{t('rules.help')}</p>
      {result && !result.ok && !d.rules.some((r) => r.key === result.key) ? problemsFor(result.key) : null}
      <table className="admin-table">
        <thead>
          <tr>
            <th>{t('rules.name')}</th>
            <th>{t('rules.key')}</th>
            <th>{t('rules.version')}</th>
            <th>{t('rules.state')}</th>
            <th>{t('rules.triggers')}</th>
            <th>{t('rules.changed')}</th>
          </tr>
        </thead>
        <tbody>
          {d.rules.map((r) => (
            <tr key={r.key} data-rule={r.key}>
              <td>{r.name ?? <em>{t('rules.broken')}</em>}</td>
              <td>
                <code>{r.key}</code>
              </td>
              <td data-version>{r.version}</td>
              <td>
                <Form method="post">
                  <CsrfField />
                  <input type="hidden" name="intent" value="enable" />
                  <input type="hidden" name="key" value={r.key} />
                  <input type="hidden" name="enabled" value={r.enabled ? '0' : '1'} />
                  {r.enabled ? t('rules.on') : t('rules.off')}{' '}
                  <button type="submit">{r.enabled ? t('rules.disable') : t('rules.enable')}</button>
                </Form>
              </td>
              <td>{r.triggers.join(', ')}</td>
              <td data-author>
                {r.updatedBy} · <time dateTime={r.updatedAt}>{r.updatedAt.slice(0, 16).replace('T', ' ')} UTC</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t('rules.edit')}</h2>
      {d.rules.map((r) => {
        const failed = result && !result.ok && result.key === r.key;
        return (
          <details key={r.key} className="panel" open={Boolean(failed)} data-edit={r.key}>
            <summary>
              {r.name ?? r.key} (<code>{r.key}</code>, v{r.version})
            </summary>
            <Form method="post" className="stack">
              <CsrfField />
              <input type="hidden" name="intent" value="save" />
              <input type="hidden" name="key" value={r.key} />
              {problemsFor(r.key)}
              <textarea
                name="definition"
                aria-label={`${t('rules.definition')} ${r.key}`}
                aria-invalid={failed ? true : undefined}
                // A refused edit keeps what was typed, so the reasons can be fixed in place.
                key={failed ? `refused-v${r.version}` : `v${r.version}`}
                defaultValue={failed && result.definition !== null ? result.definition : r.definition}
                rows={16}
                spellCheck={false}
                style={{ width: '100%', fontFamily: 'monospace' }}
              />
              <button type="submit">{t('rules.save')}</button>
            </Form>
          </details>
        );
      })}

      <h2>{t('rules.lists')}</h2>
      <p className="hint">{t('rules.listsHelp')}</p>
      {d.lists.map((l) => {
        const failed = result && !result.ok && result.key === listKey(l.key);
        return (
          <details key={l.key} className="panel" open={Boolean(failed)} data-list={l.key}>
            <summary>
              <code>{l.key}</code> (v{l.version})
            </summary>
            <Form method="post" className="stack">
              <CsrfField />
              <input type="hidden" name="intent" value="phrases" />
              <input type="hidden" name="key" value={l.key} />
              {problemsFor(listKey(l.key))}
              <textarea
                name="definition"
                aria-label={`${t('rules.listDefinition')} ${l.key}`}
                aria-invalid={failed ? true : undefined}
                key={failed ? `refused-v${l.version}` : `v${l.version}`}
                defaultValue={failed && result.definition !== null ? result.definition : l.definition}
                rows={12}
                spellCheck={false}
                style={{ width: '100%', fontFamily: 'monospace' }}
              />
              <button type="submit">{t('rules.saveList')}</button>
            </Form>
          </details>
        );
      })}
    </section>
  );
}
