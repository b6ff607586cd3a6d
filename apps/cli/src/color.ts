/** ANSI styles used by the command. */
const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  inverse: [7, 27],
} as const;

export type Style = keyof typeof CODES;

/** Applies styles to text, or leaves it alone when colour is off. */
export interface Painter {
  readonly enabled: boolean;
  paint(text: string, ...styles: Style[]): string;
}

/**
 * Colour when the stream is a terminal, unless `NO_COLOR` is set (any non-empty value);
 * `FORCE_COLOR` (non-empty, not `0`) turns it on for pipes too.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR']) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0') return true;
  return stream.isTTY === true;
}

export function createPainter(enabled: boolean): Painter {
  return {
    enabled,
    paint(text, ...styles) {
      if (!enabled || styles.length === 0) return text;
      let out = text;
      for (const style of styles) {
        const [on, off] = CODES[style];
        out = `\u001b[${on}m${out}\u001b[${off}m`;
      }
      return out;
    },
  };
}
