// customers:import: reads the institution's customer file row by row, validates each row,
// writes the valid ones in batches of write transactions and keeps every rejected row with its
// reasons. Idempotent on customer number: importing the same file again changes nothing.
import { createReadStream, readFileSync } from 'node:fs';
import { parse } from 'csv-parse';
import type { CountryCode } from 'libphonenumber-js';
import { writeTransaction, type Db } from '../../db/client';
import { createProfileImporter } from '../../db/store/customer-profiles';
import { cleanRecord, CUSTOMER_COLUMNS, customerRowSchema, rowProblems, type CustomerRow } from './customer-csv';

export interface RejectedRow {
  /** Line in the file (the header is line 1). */
  line: number;
  customerNumber: string;
  reasons: string[];
}

export interface ImportSummary {
  rows: number;
  imported: number;
  customersCreated: number;
  holdings: number;
  rejected: RejectedRow[];
}

export class ImportFileError extends Error {}

const BATCH = 5000;

/** Data lines in the file (for the progress bar), counted without parsing. */
export function countDataLines(path: string): number {
  const buf = readFileSync(path);
  let n = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 10) n++;
  if (buf.length > 0 && buf[buf.length - 1] !== 10) n++;
  return Math.max(0, n - 1);
}

export async function importCustomersCsv(input: {
  db: Db;
  path: string;
  now: Date;
  region: CountryCode;
  onProgress?: (done: number) => void;
}): Promise<ImportSummary> {
  const schema = customerRowSchema(input.region);
  const importer = createProfileImporter(input.db);
  const summary: ImportSummary = { rows: 0, imported: 0, customersCreated: 0, holdings: 0, rejected: [] };
  const parser = createReadStream(input.path).pipe(
    parse({ bom: true, columns: (header: string[]) => checkHeader(header), skip_empty_lines: true, relax_column_count: true, info: true, trim: false }),
  );
  let batch: CustomerRow[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    writeTransaction(input.db, () => {
      for (const row of rows) {
        if (importer.importRow(row, input.now).created) summary.customersCreated++;
        if (row.holding) summary.holdings++;
      }
    });
    summary.imported += rows.length;
    input.onProgress?.(summary.rows);
  };
  try {
    for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      summary.rows++;
      const parsed = schema.safeParse(cleanRecord(record.record));
      if (parsed.success) batch.push(parsed.data);
      else {
        summary.rejected.push({ line: record.info.lines, customerNumber: record.record.customer_number?.trim() ?? '', reasons: rowProblems(parsed.error) });
      }
      if (batch.length >= BATCH) flush();
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    // A file that is not CSV at all (an unclosed quote, a binary file): say where, import what came before.
    flush();
    throw new ImportFileError(`${input.path}: ${error instanceof Error ? error.message : String(error)} (rows before it were imported)`);
  }
  flush();
  input.onProgress?.(summary.rows);
  return summary;
}

function checkHeader(header: string[]): string[] {
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = CUSTOMER_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) throw new ImportFileError(`the header lacks column(s): ${missing.join(', ')} (expected: ${CUSTOMER_COLUMNS.join(',')})`);
  return names;
}

/** The rejected-rows report: CSV with the line, the customer number and the reasons. */
export function rejectedReport(rows: RejectedRow[]): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return ['line,customer_number,reasons', ...rows.map((r) => [String(r.line), q(r.customerNumber), q(r.reasons.join('; '))].join(','))].join('\n') + '\n';
}
