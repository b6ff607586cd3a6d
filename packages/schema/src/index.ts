export { TickgateError, InvalidDecimalError, WireDecodeError, InvalidSubjectTokenError, type DecimalRejection } from './errors.js';
export {
  canonicalDecimal,
  canonicalDecimalOrUndefined,
  explainDecimal,
  isCanonicalDecimal,
  toDecimal,
  TickDecimal,
  MAX_INTEGER_DIGITS,
  MAX_FRACTION_DIGITS,
} from './decimal.js';
export {
  WIRE_VERSION,
  MIN_TIME_US,
  MAX_TIME_US,
  Side,
  Source,
  TradeSchema,
  TradeSchemaLoose,
  StatusState,
  StatusSchema,
  StatusSchemaLoose,
  type Trade,
  type Status,
  type MarketEvent,
} from './events.js';
export {
  SUBJECT_ROOT,
  MSG_ID_HEADER,
  ALL_SUBJECTS,
  TRADE_STREAM_SUBJECTS,
  BOOK_STREAM_SUBJECTS,
  isVenueId,
  isInstrumentId,
  tradeSubject,
  statusSubject,
  bookSubject,
  bboSubject,
  tradeFilter,
  statusFilters,
  tradeMsgId,
  parseTradeSubject,
} from './subjects.js';
export { encode, encodeToString, decode, serializeTrade, encodeBook, decodeBook, encodeBbo, decodeBbo } from './codec.js';
export { BookSchema, BookSchemaLoose, BboSchema, BboSchemaLoose, BookLevel, BookAction, canonicalSizeOrUndefined, compareDecimals, type Book, type Bbo } from './books.js';
export { VENUE_ID_ORDER, venueIdOrder, type VenueIdOrder } from './venue-ids.js';
