/**
 * A small, strict JSON reader that keeps number literals as text. Kraken v2 sends prices and
 * quantities as JSON numbers (`"price":0.5147`); `JSON.parse` would turn them into floats and lose
 * digits (`0.1 + 0.2` style artefacts, or digits beyond 17 significant). Here a number becomes a
 * `JsonNumber` holding its exact literal; everything else is what `JSON.parse` gives.
 *
 * Strict RFC 8259 grammar (no trailing commas, comments, NaN, single quotes, leading zeros, control
 * characters in strings); nesting is bounded (`MAX_DEPTH`). Invalid text throws `SyntaxError`.
 */

/** An exact JSON number literal, as written on the wire (`0.5147`, `1e-7`, `-3`). */
export class JsonNumber {
  constructor(readonly literal: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

/** Deepest nesting accepted: venue messages are a few levels deep. */
export const MAX_DEPTH = 32;

const QUOTE = 34;
const BACKSLASH = 92;

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.i}`);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  value(depth: number): JsonValue {
    this.ws();
    const c = this.s.charCodeAt(this.i);
    if (c === QUOTE) return this.string();
    if (c === 123) return this.object(depth + 1);
    if (c === 91) return this.array(depth + 1);
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (this.s.startsWith('true', this.i)) {
      this.i += 4;
      return true;
    }
    if (this.s.startsWith('false', this.i)) {
      this.i += 5;
      return false;
    }
    if (this.s.startsWith('null', this.i)) {
      this.i += 4;
      return null;
    }
    return this.fail(Number.isNaN(c) ? 'unexpected end' : 'unexpected character');
  }

  digits(): number {
    const start = this.i;
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) i++;
      else break;
    }
    this.i = i;
    return i - start;
  }

  number(): JsonNumber {
    const s = this.s;
    const start = this.i;
    if (s.charCodeAt(this.i) === 45) this.i++;
    if (s.charCodeAt(this.i) === 48) {
      this.i++;
    } else if (this.digits() === 0) {
      this.fail('digit expected');
    }
    if (s.charCodeAt(this.i) === 46) {
      this.i++;
      if (this.digits() === 0) this.fail('fraction digit expected');
    }
    const e = s.charCodeAt(this.i);
    if (e === 101 || e === 69) {
      this.i++;
      const sign = s.charCodeAt(this.i);
      if (sign === 43 || sign === 45) this.i++;
      if (this.digits() === 0) this.fail('exponent digit expected');
    }
    return new JsonNumber(s.slice(start, this.i));
  }

  string(): string {
    const s = this.s;
    const start = ++this.i;
    let escaped = false;
    for (let i = start; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        this.i = i + 1;
        // Escapes are rare in venue messages: let JSON.parse decode those (and check them).
        return escaped ? (JSON.parse(s.slice(start - 1, i + 1)) as string) : s.slice(start, i);
      }
      if (c === BACKSLASH) {
        escaped = true;
        i++;
      } else if (c < 32) {
        this.i = i;
        this.fail('control character in string');
      }
    }
    this.i = s.length;
    return this.fail('unterminated string');
  }

  array(depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    this.i++;
    const out: JsonValue[] = [];
    this.ws();
    if (this.s.charCodeAt(this.i) === 93) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 93) return out;
      if (c !== 44) this.fail('"," or "]" expected');
    }
  }

  object(depth: number): { [key: string]: JsonValue } {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    this.i++;
    const out: { [key: string]: JsonValue } = {};
    this.ws();
    if (this.s.charCodeAt(this.i) === 125) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== QUOTE) this.fail('key expected');
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i++) !== 58) this.fail('":" expected');
      const value = this.value(depth);
      // `__proto__` as a plain own key, never the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 125) return out;
      if (c !== 44) this.fail('"," or "}" expected');
    }
  }
}

/** Parse JSON `text`, keeping numbers as `JsonNumber` literals. Throws `SyntaxError` for invalid JSON. */
export function parseJsonExact(text: string): JsonValue {
  const reader = new Reader(text);
  const value = reader.value(0);
  reader.ws();
  if (reader.i !== text.length) reader.fail('unexpected text after the value');
  return value;
}

/** Largest exponent magnitude turned into plain digits: beyond it no value fits the schema anyway. */
const MAX_EXPONENT = 64;

/**
 * The plain decimal text of a JSON number literal, exactly, with string operations only:
 * `1e-7` → `0.0000001`, `6.42346326E3` → `6423.46326`, `0.5147` → `0.5147`. The result may carry
 * leading or trailing zeros (canonicalize it next). `undefined` for negative numbers and for exponents
 * beyond ±64 (no such value fits the schema's 24.24 digits).
 */
export function plainDecimalOf(literal: string): string | undefined {
  if (literal.charCodeAt(0) === 45) return undefined;
  let e = literal.indexOf('e');
  if (e < 0) e = literal.indexOf('E');
  if (e < 0) return literal;
  const exponentText = literal.slice(e + 1);
  const exponent = Number(exponentText); // an integer literal such as "-7" or "+3": exact
  if (!Number.isInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) return undefined;
  const mantissa = literal.slice(0, e);
  const dot = mantissa.indexOf('.');
  const digitsText = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Position of the decimal point within `digitsText`, moved by the exponent.
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digitsText}`;
  if (point >= digitsText.length) return digitsText + '0'.repeat(point - digitsText.length);
  return `${digitsText.slice(0, point)}.${digitsText.slice(point)}`;
}
