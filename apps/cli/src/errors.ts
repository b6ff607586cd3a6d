/** A mistake in how the command was called: reported as one line plus the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose usage to show (`undefined`: the top-level usage). */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** Could not reach NATS (reported as one line, exit code 1). */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
}

/**
 * Run a `node:util` `parseArgs` call for `command`, turning its errors (unknown option, missing value)
 * into one-line `UsageError`s.
 */
export function withUsageErrors<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
}

function describeParseError(error: unknown): string {
  const err = error as { code?: string; message?: string };
  const message = (err.message ?? String(error)).split('\n')[0] ?? '';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1];
    return flag ? `unknown option '${flag}'` : message;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && message.includes('ambiguous')) {
    // "Option '--seq' argument is ambiguous." (the value starts with '-').
    const flag = /'([^']+)'/.exec(message)?.[1] ?? 'the option';
    return `option '${flag}' needs a value (write ${flag}=<value> for one that starts with '-')`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // "Option '--since <value>' argument missing" and friends.
    return message.replace(/^Option /, 'option ');
  }
  return message.replace(/\.$/, '');
}
