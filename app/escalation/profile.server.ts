// A ticket's customer risk profile, for the JSON API's ticket and the staff customer panel:
// risk level and assessment, age, vulnerability and holdings with their risk against the
// customer's own level.
import type { Tx } from '../../db/client';
import { customerById, holdingsOf, profileOf } from '../../db/store/escalation';
import { findTicketById } from '../../db/store/tickets';
import { ageOf, assessmentStale, VULNERABLE_AGE } from './suitability';

export interface CustomerRiskProfile {
  customerId: number;
  customerNumber: string | null;
  /** C1 … C5, or null when never assessed. */
  riskLevel: string | null;
  assessedOn: string | null;
  /** Assessed within the last year. */
  assessmentCurrent: boolean;
  birthDate: string | null;
  ageBand: string | null;
  age: number | null;
  /** Marked vulnerable in the records, or aged 65 or more. */
  vulnerable: boolean;
  holdings: {
    productCode: string;
    name: string;
    type: string;
    riskLevel: string;
    purchasedOn: string | null;
    salesChannel: string | null;
    /** The product's risk (R) is above the customer's level (C). */
    aboveRiskLevel: boolean;
  }[];
}

/** The profile of the ticket's customer; null when there is no such ticket. A customer never imported has an empty profile. */
export function customerProfileOf(tx: Tx, ticketId: number, now: Date): CustomerRiskProfile | null {
  const ticket = findTicketById(tx, ticketId);
  if (!ticket) return null;
  const customer = customerById(tx, ticket.customerId);
  const profile = profileOf(tx, ticket.customerId);
  const age = ageOf(profile, now);
  const customerLevel = profile?.riskLevel ? Number(profile.riskLevel.slice(1)) : null;
  return {
    customerId: ticket.customerId,
    customerNumber: customer?.customerNumber ?? null,
    riskLevel: profile?.riskLevel ?? null,
    assessedOn: profile?.assessedOn ?? null,
    assessmentCurrent: profile?.riskLevel ? !assessmentStale(profile.assessedOn, now) : false,
    birthDate: profile?.birthDate ?? null,
    ageBand: profile?.ageBand ?? null,
    age,
    vulnerable: (profile?.vulnerable ?? false) || (age !== null && age >= VULNERABLE_AGE),
    holdings: holdingsOf(tx, ticket.customerId).map((h) => ({
      productCode: h.productCode,
      name: h.name,
      type: h.type,
      riskLevel: h.riskLevel,
      purchasedOn: h.purchasedOn,
      salesChannel: h.salesChannel,
      aboveRiskLevel: customerLevel !== null && Number(h.riskLevel.slice(1)) > customerLevel,
    })),
  };
}
