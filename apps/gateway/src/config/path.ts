/**
 * The one way config paths are written, in errors and logs: keys and array indexes joined by dots
 * (`feeds.0.instruments`, `feeds.0.instruments.1`, `nats.servers`). Parts that are `undefined` are left out.
 */
export function configPath(...parts: ReadonlyArray<string | number | undefined>): string {
  return parts.filter((p) => p !== undefined).map(String).join('.');
}
