// The image's HEALTHCHECK: GET /healthz on the gateway's HTTP port, exit 0 when it answers 200.
// Port: TICKGATE_HTTP_PORT, else http.port of /etc/tickgate/gateway.yaml, else 9464.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

function port() {
  const fromEnv = process.env.TICKGATE_HTTP_PORT;
  if (fromEnv && /^\d+$/.test(fromEnv)) return Number(fromEnv);
  try {
    const config = parse(readFileSync('/etc/tickgate/gateway.yaml', 'utf8'));
    const fromFile = config?.http?.port;
    if (Number.isInteger(fromFile) && fromFile > 0) return fromFile;
  } catch {
    // no readable config file: the default port
  }
  return 9464;
}

try {
  const res = await fetch(`http://127.0.0.1:${port()}/healthz`, { signal: AbortSignal.timeout(4_000) });
  process.exit(res.status === 200 ? 0 : 1);
} catch (error) {
  process.stderr.write(`healthcheck: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
