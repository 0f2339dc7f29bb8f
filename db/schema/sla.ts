// sla tables: filled in by the sla work.
export {};
