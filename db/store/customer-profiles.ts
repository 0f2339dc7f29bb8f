// Writes of the customer import: one customer (by customer number), their contacts, risk
// profile and holdings per row. Prepared once and reused for every row, because an import of
// 100,000 customers must finish in well under a minute; the caller batches rows into write
// transactions.
import type { Db } from '../client';

export interface ProfileImportRow {
  customerNumber: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  birthDate: string | null;
  ageBand: string | null;
  riskLevel: string | null;
  assessedOn: string | null;
  vulnerable: boolean;
  holding: {
    productCode: string;
    name: string;
    type: string;
    riskLevel: string;
    purchasedOn: string | null;
    salesChannel: string | null;
  } | null;
}

export interface ProfileImporter {
  /** Returns whether the customer was new. Must run inside a write transaction. */
  importRow(row: ProfileImportRow, now: Date): { created: boolean };
}

export function createProfileImporter(db: Db): ProfileImporter {
  const c = db.$client;
  const findCustomer = c.prepare<[string], { id: number }>('select id from customers where customer_number = ?');
  const insertCustomer = c.prepare(
    'insert into customers (name, customer_number, created_at, updated_at) values (?, ?, ?, ?) returning id',
  );
  const renameCustomer = c.prepare('update customers set name = ?, updated_at = ? where id = ? and (name is null or name <> ?)');
  // A contact already held by another customer stays theirs (the same rule as intake).
  const addContact = c.prepare(
    'insert into customer_contacts (customer_id, kind, value, created_at) values (?, ?, ?, ?) on conflict (kind, value) do nothing',
  );
  const upsertProfile = c.prepare(
    `insert into customer_profiles (customer_id, risk_level, assessed_on, birth_date, age_band, vulnerable, updated_at)
     values (?, ?, ?, ?, ?, ?, ?)
     on conflict (customer_id) do update set risk_level = excluded.risk_level, assessed_on = excluded.assessed_on,
       birth_date = excluded.birth_date, age_band = excluded.age_band, vulnerable = excluded.vulnerable, updated_at = excluded.updated_at`,
  );
  const upsertHolding = c.prepare(
    `insert into customer_holdings (customer_id, product_code, name, type, risk_level, purchased_on, sales_channel, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (customer_id, product_code) do update set name = excluded.name, type = excluded.type,
       risk_level = excluded.risk_level, purchased_on = excluded.purchased_on, sales_channel = excluded.sales_channel,
       updated_at = excluded.updated_at`,
  );
  return {
    importRow(row, now) {
      const at = now.getTime();
      let id = findCustomer.get(row.customerNumber)?.id;
      const created = id === undefined;
      if (id === undefined) {
        id = (insertCustomer.get(row.name, row.customerNumber, at, at) as { id: number }).id;
      } else if (row.name) {
        renameCustomer.run(row.name, at, id, row.name);
      }
      if (row.email) addContact.run(id, 'email', row.email, at);
      if (row.phone) addContact.run(id, 'phone', row.phone, at);
      upsertProfile.run(id, row.riskLevel, row.assessedOn, row.birthDate, row.ageBand, row.vulnerable ? 1 : 0, at);
      const h = row.holding;
      if (h) upsertHolding.run(id, h.productCode, h.name, h.type, h.riskLevel, h.purchasedOn, h.salesChannel, at);
      return { created };
    },
  };
}
