// insight tables: filled in by the insight work.
export {};
