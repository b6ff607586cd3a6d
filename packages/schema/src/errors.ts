/**
 * The root of every error tickgate throws. `code` is stable (`TICKGATE_…`) and safe to switch on;
 * `retryable` tells a caller whether trying the same thing again can succeed.
 */
export class TickgateError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Text that is not a plain positive decimal (see `canonicalDecimal`). */
export class InvalidDecimalError extends TickgateError {
  readonly input: unknown;
  readonly reason: DecimalRejection;
  constructor(input: unknown, reason: DecimalRejection) {
    super('TICKGATE_INVALID_DECIMAL', `invalid decimal ${preview(input)}: ${reason}`);
    this.input = input;
    this.reason = reason;
  }
}

/** A wire message that does not satisfy the schema; `path` names the offending field. */
export class WireDecodeError extends TickgateError {
  readonly path: string;
  constructor(path: string, message: string, options: { cause?: unknown } = {}) {
    super('TICKGATE_WIRE_DECODE', path ? `${path}: ${message}` : message, options);
    this.path = path;
  }
}

/** A name that cannot be used as a NATS subject token (venue, instrument). */
export class InvalidSubjectTokenError extends TickgateError {
  constructor(what: string, token: string) {
    super('TICKGATE_INVALID_SUBJECT_TOKEN', `invalid ${what} ${JSON.stringify(token)} for a NATS subject`);
  }
}

export type DecimalRejection =
  | 'not a string'
  | 'empty'
  | 'leading or trailing space'
  | 'sign not allowed'
  | 'exponent not allowed'
  | 'not a number'
  | 'leading decimal point'
  | 'trailing decimal point'
  | 'more than one decimal point'
  | 'unexpected character'
  | 'zero'
  | 'too many digits';

function preview(input: unknown): string {
  const text = typeof input === 'string' ? JSON.stringify(input) : String(input);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
