/**
 * The measuring part of the adapter's micro-benchmarks: a seeded PRNG for corpora, CPU-time rounds that
 * interleave the approaches chunk by chunk (rotating their order, so that a noisy machine's load falls on
 * every approach alike), and medians as ratios against the first approach (the baseline).
 */

/** mulberry32: small seeded PRNG, so every run measures the same corpus. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Eight-decimal fixed text from an integer count of 1e-8 units, without floats on the value. */
export function eightDecimals(units: bigint): string {
  const text = units.toString().padStart(9, '0');
  return `${text.slice(0, -8)}.${text.slice(-8)}`;
}

export interface Approach {
  readonly name: string;
  run(corpus: readonly string[]): void;
}

export interface ApproachResult {
  name: string;
  nsPerMsg: number;
  msgsPerSec: number;
  ratio: number;
  wallNsPerMsg: number;
  wallRatio: number;
  samplesCpuNs: number[];
  samplesWallNs: number[];
}

/**
 * CPU time (user + system, all of the process's threads, GC included) and wall time of `fn`, in ns.
 * CPU time is the figure to trust on a shared machine: wall time also counts the time spent waiting for
 * a core.
 */
export function timeNs(fn: () => void): { cpu: number; wall: number } {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - wall0);
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) * 1000, wall };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Chunk size of the interleaved rounds. */
export const CHUNK = 10_000;

/**
 * Warm every approach up, then measure `rounds` interleaved rounds over `corpus`; per approach the median
 * CPU ns per message and its ratio to the first approach's.
 */
export function measure(approaches: readonly Approach[], corpus: readonly string[], rounds: number): ApproachResult[] {
  const warm = corpus.slice(0, Math.min(corpus.length, 100_000));
  for (let r = 0; r < 3; r++) for (const a of approaches) a.run(warm);
  const chunks: string[][] = [];
  for (let i = 0; i < corpus.length; i += CHUNK) chunks.push(corpus.slice(i, i + CHUNK));
  const samples = approaches.map(() => ({ cpu: [] as number[], wall: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    const cpu = approaches.map(() => 0);
    const wall = approaches.map(() => 0);
    chunks.forEach((chunk, c) => {
      for (let k = 0; k < approaches.length; k++) {
        const index = (round + c + k) % approaches.length;
        const t = timeNs(() => (approaches[index] as Approach).run(chunk));
        cpu[index] = (cpu[index] as number) + t.cpu;
        wall[index] = (wall[index] as number) + t.wall;
      }
    });
    approaches.forEach((_a, index) => {
      samples[index]!.cpu.push((cpu[index] as number) / corpus.length);
      samples[index]!.wall.push((wall[index] as number) / corpus.length);
    });
  }
  const baseCpu = median(samples[0]!.cpu);
  const baseWall = median(samples[0]!.wall);
  return approaches.map((a, index) => {
    const s = samples[index]!;
    const ns = median(s.cpu);
    const wallNs = median(s.wall);
    return {
      name: a.name,
      nsPerMsg: Math.round(ns),
      msgsPerSec: Math.round(1e9 / ns),
      ratio: Number((ns / baseCpu).toFixed(2)),
      wallNsPerMsg: Math.round(wallNs),
      wallRatio: Number((wallNs / baseWall).toFixed(2)),
      samplesCpuNs: s.cpu.map(Math.round),
      samplesWallNs: s.wall.map(Math.round),
    };
  });
}

/** Print the results table. */
export function printResults(title: string, results: readonly ApproachResult[]): void {
  console.log(title);
  console.log('ns/msg, msgs/s and the ratio are from CPU time; the wall-clock columns also count waiting for a core.');
  console.log(`${'approach'.padEnd(48)} ${'ns/msg'.padStart(8)} ${'msgs/s'.padStart(11)} ${'vs baseline'.padStart(14)} ${'wall ns'.padStart(9)} ${'wall ratio'.padStart(11)}`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(48)} ${String(r.nsPerMsg).padStart(8)} ${r.msgsPerSec.toLocaleString('en-US').padStart(11)} ${`${r.ratio.toFixed(2)}x`.padStart(14)} ${String(r.wallNsPerMsg).padStart(9)} ${`${r.wallRatio.toFixed(2)}x`.padStart(11)}`,
    );
  }
}
