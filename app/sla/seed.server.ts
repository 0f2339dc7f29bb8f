// Seeds the preset calendars and policies, idempotently: run at every start and by the CLI;
// an existing row (perhaps edited by an administrator) is left as it is.
import { writeTransaction, type Db } from '../../db/client';
import { insertCalendarIfMissing, insertPolicyIfMissing } from '../../db/store/sla';
import { parseCalendar } from './calendar';
import { policyDefinitionSchema } from './policy';
import { PRESET_CALENDARS, PRESET_POLICIES } from './presets';

export function ensureSlaPresets(db: Db, now: Date): { calendars: number; policies: number } {
  return writeTransaction(db, (tx) => {
    let calendars = 0;
    let policies = 0;
    for (const [name, def] of Object.entries(PRESET_CALENDARS)) {
      parseCalendar(def);
      if (insertCalendarIfMissing(tx, name, JSON.stringify(def), now)) calendars++;
    }
    for (const p of PRESET_POLICIES) {
      const definition = JSON.stringify(policyDefinitionSchema.parse(p.definition));
      if (insertPolicyIfMissing(tx, { ...p, definition }, now)) policies++;
    }
    return { calendars, policies };
  });
}
