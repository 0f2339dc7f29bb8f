// email tables: filled in by the email work.
export {};
