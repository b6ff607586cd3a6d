/** Sum of a Prometheus metric's samples whose labels include `labels` (from the text exposition). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (.+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have: Record<string, string> = {};
    for (const pair of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) have[pair[1]!] = pair[2]!;
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[4]);
  }
  return sum;
}

export async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

/** The body of `/readyz`. */
export interface ReadyzBody {
  status: string;
  notReady: string[];
  nats: { connected: boolean; server?: string };
  instruments: Array<{ venue: string; feed: string; instrument: string; reason: string; message: string; error?: string; silentMs?: number }>;
  feeds: Array<{ name: string; venue: string; ready: boolean; state: string; fallback: boolean; unready?: unknown[]; notPublishing?: string[]; unreadable?: string[]; error?: string }>;
}

export async function readyz(port: number): Promise<{ status: number; body: ReadyzBody }> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadyzBody };
}
