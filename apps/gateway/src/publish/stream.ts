import {
  DiscardPolicy,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import { backoffDelayMs, silentLogger, type Logger } from '@tickgate/core';
import { TRADE_STREAM_SUBJECTS } from '@tickgate/schema';
import { StreamConfigError } from './errors.js';

/** The stream configuration the gateway manages. Fields not named here are left as they are. */
export interface EnsureStreamOptions {
  /** Stream name, e.g. `MD`. */
  name: string;
  /** Subjects the stream captures (default `['md.trade.>', 'md.status.>']`: trades and status events). */
  subjects?: string[];
  /** Deduplication window, ms (default 120,000 = 2 min): resends within it are not stored twice. */
  duplicateWindowMs?: number;
  /** Age after which messages are discarded, ms (default 86,400,000 = 24 h; 0 = keep for ever). */
  maxAgeMs?: number;
  /** Replicas in a cluster (default 1). */
  replicas?: number;
  /** `file` (default) or `memory`. Fixed at creation: a different existing storage is an error. */
  storage?: 'file' | 'memory';
  /** Size limit in bytes, the oldest messages discarded beyond it (default: none). */
  maxBytes?: number;
  /** Where creation and changes are logged (default: nowhere). */
  logger?: Logger;
  /**
   * How long to keep trying while JetStream is not available yet (a cluster electing its leader, a
   * server still starting), ms (default 30,000).
   */
  availabilityTimeoutMs?: number;
}

/** What `ensureStream` did. */
export interface EnsureStreamResult {
  action: 'created' | 'updated' | 'unchanged';
  /** One line per changed field, e.g. `duplicate_window: 60000 ms -> 120000 ms` (empty unless updated). */
  changes: string[];
  info: StreamInfo;
}

const STREAM_NAME_IN_USE = 10058;
const NANOS_PER_MS = 1_000_000;

/** Retries while JetStream starts or elects a leader: full jitter under 100 ms, doubling to 1 s. */
const AVAILABILITY_BACKOFF = { baseMs: 100, capMs: 1_000 } as const;

/**
 * Create the JetStream stream, or update it when its managed fields differ from `options`.
 * Safe to call from several gateways at once: creating a stream that another one has just created
 * (same configuration) succeeds, and a lost race falls back to comparing and updating.
 * Throws `StreamConfigError` when the stream cannot be made to match (storage type differs, more
 * replicas than servers, …).
 */
export async function ensureStream(nc: NatsConnection, options: EnsureStreamOptions): Promise<EnsureStreamResult> {
  const logger = options.logger ?? silentLogger;
  const wanted = wantedConfig(options);
  const deadline = Date.now() + (options.availabilityTimeoutMs ?? 30_000);
  for (let attempt = 0; ; attempt++) {
    try {
      return await ensureOnce(nc, options, wanted, logger);
    } catch (error) {
      const cause = error instanceof StreamConfigError && error.cause !== undefined ? error.cause : error;
      // jittered, so that gateways starting together against a new cluster do not ask in step
      const delay = backoffDelayMs(AVAILABILITY_BACKOFF, attempt);
      if (!isTransient(cause) || Date.now() + delay > deadline) throw error;
      logger.debug({ stream: options.name, err: message(cause) }, 'JetStream not available yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Errors that a JetStream still starting or electing a leader gives. */
function isTransient(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  // no responders on the JetStream API (the client reports it as JetStreamNotEnabled)
  if (error instanceof Error && error.name === 'JetStreamNotEnabled') return true;
  if (error instanceof RequestError && error.isNoResponders()) return true;
  // 10008: JetStream system temporarily unavailable; 10005: no suitable peers for placement (a cluster
  // whose members have not all met yet); 503s: no leader yet
  if (error instanceof JetStreamApiError) return error.code === 10008 || error.code === 10005 || error.status === 503;
  return false;
}

async function ensureOnce(nc: NatsConnection, options: EnsureStreamOptions, wanted: Managed, logger: Logger): Promise<EnsureStreamResult> {
  const jsm = await jetstreamManager(nc);
  for (let round = 0; ; round++) {
    const existing = await findStream(jsm, options.name);
    if (!existing) {
      try {
        const info = await jsm.streams.add({ ...wanted, name: options.name });
        logger.info({ stream: options.name, subjects: wanted.subjects, replicas: wanted.num_replicas }, 'JetStream stream created');
        return { action: 'created', changes: [], info };
      } catch (error) {
        // another gateway created it first, with a different configuration: compare and update
        if (round < 3 && error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE) continue;
        throw new StreamConfigError(`cannot create stream ${options.name}: ${message(error)}`, { cause: error });
      }
    }
    const changes = describeChanges(existing.config, wanted);
    if (changes.length === 0) return { action: 'unchanged', changes, info: existing };
    if (existing.config.storage !== wanted.storage) {
      throw new StreamConfigError(
        `stream ${options.name} uses ${existing.config.storage} storage, the configuration asks for ${wanted.storage}; storage cannot be changed (delete the stream or change the configuration)`,
      );
    }
    try {
      const { storage: _fixed, ...update } = wanted;
      const info = await jsm.streams.update(options.name, update);
      logger.info({ stream: options.name, changes }, 'JetStream stream updated');
      return { action: 'updated', changes, info };
    } catch (error) {
      throw new StreamConfigError(`cannot update stream ${options.name} (${changes.join('; ')}): ${message(error)}`, { cause: error });
    }
  }
}

type Managed = Pick<StreamConfig, 'subjects' | 'duplicate_window' | 'max_age' | 'num_replicas' | 'storage' | 'max_bytes' | 'retention' | 'discard'>;

function wantedConfig(options: EnsureStreamOptions): Managed {
  const subjects = options.subjects ?? [...TRADE_STREAM_SUBJECTS];
  if (subjects.length === 0) throw new StreamConfigError('a stream needs at least one subject');
  return {
    subjects,
    duplicate_window: nonNegative(options.duplicateWindowMs ?? 120_000, 'duplicateWindowMs') * NANOS_PER_MS,
    max_age: nonNegative(options.maxAgeMs ?? 86_400_000, 'maxAgeMs') * NANOS_PER_MS,
    num_replicas: options.replicas ?? 1,
    storage: options.storage === 'memory' ? StorageType.Memory : StorageType.File,
    max_bytes: options.maxBytes ?? -1,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
  };
}

/** Managed fields whose value differs, as `field: old -> new` lines. */
export function describeChanges(current: StreamConfig, wanted: Managed): string[] {
  const changes: string[] = [];
  const was = [...(current.subjects ?? [])].sort();
  const want = [...(wanted.subjects ?? [])].sort();
  if (was.join('\n') !== want.join('\n')) changes.push(`subjects: ${was.join(',')} -> ${want.join(',')}`);
  const ms = (nanos: number) => `${Math.round(nanos / NANOS_PER_MS)} ms`;
  if (current.duplicate_window !== wanted.duplicate_window) changes.push(`duplicate_window: ${ms(current.duplicate_window)} -> ${ms(wanted.duplicate_window)}`);
  if (current.max_age !== wanted.max_age) changes.push(`max_age: ${ms(current.max_age)} -> ${ms(wanted.max_age)}`);
  if (current.num_replicas !== wanted.num_replicas) changes.push(`num_replicas: ${current.num_replicas} -> ${wanted.num_replicas}`);
  if (current.storage !== wanted.storage) changes.push(`storage: ${current.storage} -> ${wanted.storage}`);
  if (current.max_bytes !== wanted.max_bytes) changes.push(`max_bytes: ${current.max_bytes} -> ${wanted.max_bytes}`);
  if (current.retention !== wanted.retention) changes.push(`retention: ${current.retention} -> ${wanted.retention}`);
  if (current.discard !== wanted.discard) changes.push(`discard: ${current.discard} -> ${wanted.discard}`);
  return changes;
}

async function findStream(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === 10059) return undefined;
    throw error;
  }
}

function nonNegative(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new StreamConfigError(`${name} must be a non-negative integer of milliseconds, got ${value}`);
  return value;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
