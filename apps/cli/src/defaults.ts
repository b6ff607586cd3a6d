/** Where `tail` and `replay` look for NATS when neither `--servers` nor `$NATS_URL` says. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
