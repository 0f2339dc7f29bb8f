// Twilio posts application/x-www-form-urlencoded. The raw body is parsed here, keeping every
// field (Twilio adds parameters without notice and all of them are signed) and keeping a
// repeated field as a list, the shape twilio.validateRequest expects.

export type FormParams = Record<string, string | string[]>;

export function parseForm(raw: string): FormParams {
  const out: FormParams = Object.create(null) as FormParams;
  for (const [key, value] of new URLSearchParams(raw)) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}
