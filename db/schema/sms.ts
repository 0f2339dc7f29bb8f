// sms tables: filled in by the sms work.
export {};
