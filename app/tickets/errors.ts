// Domain errors a caller can cause. Routes turn them into responses in one place
// (app/http/errors.server.ts); they never become a 500.
export class NotFound extends Error {
  readonly status = 404;
}
export class Forbidden extends Error {
  readonly status = 403;
}
export class Invalid extends Error {
  readonly status = 400;
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message);
  }
}
export class TooLarge extends Error {
  readonly status = 413;
}
