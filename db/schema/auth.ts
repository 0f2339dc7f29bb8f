// auth tables: filled in by the auth work.
export {};
