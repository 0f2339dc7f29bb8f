// One row of the customer import file (customers:import), parsed with zod: the documented
// columns, each checked, with every problem of a row reported by column name.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { PRODUCTS } from '../../db/constants';
import { CUSTOMER_RISK_LEVELS, PRODUCT_RISK_LEVELS } from './rule-schema';

/** The documented columns, in the order the README lists them. A file must have all of them in its header. */
export const CUSTOMER_COLUMNS = [
  'customer_number',
  'name',
  'email',
  'phone',
  'birth_date',
  'age_band',
  'risk_level',
  'assessment_date',
  'vulnerable',
  'product_code',
  'product_name',
  'product_type',
  'product_risk',
  'purchase_date',
  'sales_channel',
] as const;

const isoDate = z.string().refine((v) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}, 'must be a date written YYYY-MM-DD');
const opt = <T extends z.ZodType>(s: T) => s.optional();

/**
 * Trims every cell and drops blank ones, in plain code before zod sees the row: one pass per
 * row instead of a preprocess step per column keeps a 100,000-customer import fast.
 */
export function cleanRecord(record: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of CUSTOMER_COLUMNS) {
    const v = record[key]?.trim();
    if (v) out[key] = v;
  }
  return out;
}

// Phone numbers are checked in the row's refinement rather than in a per-field transform:
// the same check, several times cheaper per row in zod 4 (measured with bench:customers).
// The last answer is remembered, as the refinement and the transform ask about the same number.
let lastPhone: { raw: string; region: string; e164: string | null } | undefined;
function normalizePhone(raw: string, region: CountryCode): string | null {
  if (lastPhone?.raw === raw && lastPhone.region === region) return lastPhone.e164;
  const p = parsePhoneNumberFromString(raw, region);
  const e164 = p && p.isValid() ? p.number : null;
  lastPhone = { raw, region, e164 };
  return e164;
}

export function customerRowSchema(region: CountryCode) {
  return z
    .object({
      customer_number: z.string({ error: 'is required' }).max(64, 'is longer than 64 characters'),
      name: opt(z.string().max(200)),
      email: opt(z.email('is not an email address').transform((e) => e.toLowerCase())),
      phone: opt(z.string().max(40, 'is longer than 40 characters')),
      birth_date: opt(isoDate),
      age_band: opt(z.string().regex(/^\d{1,3}(\+|-\d{1,3})$/, 'must look like 65+ or 60-64')),
      risk_level: opt(z.enum(CUSTOMER_RISK_LEVELS, { error: 'must be C1, C2, C3, C4 or C5' })),
      assessment_date: opt(isoDate),
      vulnerable: opt(
        z
          .string()
          .transform((v) => v.toLowerCase())
          .pipe(z.enum(['yes', 'no', 'true', 'false', '1', '0', 'y', 'n', '是', '否'], { error: 'must be yes or no' })),
      ),
      product_code: opt(z.string().max(64)),
      product_name: opt(z.string().max(200)),
      product_type: opt(z.enum(PRODUCTS, { error: `must be one of ${PRODUCTS.join(', ')}` })),
      product_risk: opt(z.enum(PRODUCT_RISK_LEVELS, { error: 'must be R1, R2, R3, R4 or R5' })),
      purchase_date: opt(isoDate),
      sales_channel: opt(z.string().max(100)),
    })
    .superRefine((r, ctx) => {
      const holding = [r.product_code, r.product_name, r.product_type, r.product_risk, r.purchase_date, r.sales_channel];
      if (holding.some((v) => v !== undefined)) {
        for (const col of ['product_code', 'product_name', 'product_type', 'product_risk'] as const) {
          if (r[col] === undefined) ctx.addIssue({ code: 'custom', path: [col], message: 'is required for a holding' });
        }
      }
      if (r.phone !== undefined && normalizePhone(r.phone, region) === null) {
        ctx.addIssue({ code: 'custom', path: ['phone'], message: 'is not a valid phone number' });
      }
      if (r.risk_level === undefined && r.assessment_date !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['risk_level'], message: 'is required when there is an assessment_date' });
      }
    })
    .transform((r) => ({
      customerNumber: r.customer_number,
      name: r.name ?? null,
      email: r.email ?? null,
      phone: r.phone !== undefined ? normalizePhone(r.phone, region) : null,
      birthDate: r.birth_date ?? null,
      ageBand: r.age_band ?? null,
      riskLevel: r.risk_level ?? null,
      assessedOn: r.assessment_date ?? null,
      vulnerable: ['yes', 'true', '1', 'y', '是'].includes(r.vulnerable ?? ''),
      holding:
        r.product_code !== undefined
          ? {
              productCode: r.product_code,
              name: r.product_name!,
              type: r.product_type!,
              riskLevel: r.product_risk!,
              purchasedOn: r.purchase_date ?? null,
              salesChannel: r.sales_channel ?? null,
            }
          : null,
    }));
}

export type CustomerRow = z.output<ReturnType<typeof customerRowSchema>>;

export function rowProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'row'} ${i.message}`);
}
