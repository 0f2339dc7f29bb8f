// CSV as RFC 4180 writes it: comma-separated, CRLF line ends, a field quoted when it holds a
// comma, a quote or a line break, quotes doubled. Files start with a UTF-8 byte-order mark,
// the only way Excel on Windows opens Chinese text in a CSV correctly.

export const BOM = '\uFEFF';

export type CsvValue = string | number | null | undefined;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * Free text a client wrote can start with = + - @ and run as a formula when the file is opened
 * in a spreadsheet (CSV injection). A leading apostrophe makes the cell plain text; codes and
 * numbers never pass through here.
 */
export function plainText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
