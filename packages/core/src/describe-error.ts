/**
 * One line for logs and health: `<code>: <message>` for an error with a stable `code` (a
 * `TickgateError`, a Node system error), `<name>: <message>` for another `Error`, else the value as text.
 */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
}
