// escalation tables: filled in by the escalation work.
export {};
