// Customer reads and writes. A contact (kind, value) belongs to exactly one customer.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { insertReturning, insertRow, preparedFor, type Tx } from '../client';
import type { ContactKind, Language } from '../constants';
import { customerContacts, customers } from '../schema';

export interface ContactInput {
  kind: ContactKind;
  value: string;
}

export function findCustomerIdsByContacts(tx: Tx, contacts: ContactInput[]): Map<string, number> {
  const found = new Map<string, number>();
  const byContact = preparedFor(tx, 'customer-by-contact', (t) =>
    t
      .select({ customerId: customerContacts.customerId })
      .from(customerContacts)
      .where(and(eq(customerContacts.kind, sql.placeholder('kind')), eq(customerContacts.value, sql.placeholder('value'))))
      .prepare(),
  );
  for (const c of contacts) {
    const row = byContact.get({ kind: c.kind, value: c.value });
    if (row) found.set(`${c.kind}:${c.value}`, row.customerId);
  }
  return found;
}

export function insertCustomer(
  tx: Tx,
  input: { name: string | null; customerNumber: string | null; language: Language | null; now: Date },
): number {
  return insertReturning(tx, customers, {
    name: input.name,
    customerNumber: input.customerNumber,
    language: input.language,
    createdAt: input.now,
    updatedAt: input.now,
  })!.id;
}

export function findCustomerIdByNumber(tx: Tx, customerNumber: string): number | undefined {
  return tx
    .select({ id: customers.id })
    .from(customers)
    .where(eq(customers.customerNumber, customerNumber))
    .get()?.id;
}

/** Adds contacts that nobody holds yet; a contact already held by another customer stays theirs. */
export function addContacts(tx: Tx, customerId: number, contacts: ContactInput[], now: Date): void {
  for (const c of contacts) {
    insertRow(tx, customerContacts, { customerId, kind: c.kind, value: c.value, createdAt: now }, { ignoreConflict: true });
  }
}

/** Fills in what the customer record lacks; never overwrites what is known. */
export function completeCustomer(
  tx: Tx,
  customerId: number,
  input: { name: string | null; customerNumber: string | null; now: Date },
): void {
  const current = tx.select().from(customers).where(eq(customers.id, customerId)).get();
  if (!current) return;
  const patch: Partial<typeof customers.$inferInsert> = {};
  if (!current.name && input.name) patch.name = input.name;
  if (!current.customerNumber && input.customerNumber) {
    const taken = findCustomerIdByNumber(tx, input.customerNumber);
    if (taken === undefined) patch.customerNumber = input.customerNumber;
  }
  if (Object.keys(patch).length > 0) {
    tx.update(customers).set({ ...patch, updatedAt: input.now }).where(eq(customers.id, customerId)).run();
  }
}

export function contactsOfCustomer(tx: Tx, customerId: number) {
  return tx.select().from(customerContacts).where(eq(customerContacts.customerId, customerId)).all();
}

export function isContactOfCustomer(tx: Tx, customerId: number, contacts: ContactInput[]): boolean {
  if (contacts.length === 0) return false;
  const found = findCustomerIdsByContacts(tx, contacts);
  return [...found.values()].includes(customerId);
}

export function contactsByIds(tx: Tx, customerIds: number[]) {
  if (customerIds.length === 0) return [];
  return tx.select().from(customerContacts).where(inArray(customerContacts.customerId, customerIds)).all();
}
