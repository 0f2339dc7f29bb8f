// A form's schema is built from its options (phone region, today's date) and then reused:
// building a zod object costs about a millisecond, and Conform keeps the coercion it derives
// from a schema per schema object, so a fresh schema per request paid for both every time.
export function cachedSchema<O, S>(keyOf: (options: O) => string, build: (options: O) => S): (options: O) => S {
  const byKey = new Map<string, S>();
  return (options) => {
    const key = keyOf(options);
    let schema = byKey.get(key);
    if (!schema) {
      // Keys change once a day (the date) or never (the region): a few is all a process sees.
      if (byKey.size >= 8) byKey.clear();
      schema = build(options);
      byKey.set(key, schema);
    }
    return schema;
  };
}
