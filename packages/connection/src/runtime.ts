import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import { redactSsns } from '@background-check/common';

/** One log line: time, level, message, then any attributes; SSN-shaped text is masked. */
export function formatLogEntry(entry: LogEntry): string {
  const meta = entry.meta && Object.keys(entry.meta).length > 0 ? ` ${JSON.stringify(entry.meta, errorsAsText)}` : '';
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  return redactSsns(`${time} [${entry.level}] ${entry.message}${meta}`);
}

// Errors serialize as {} by default; a log line should say what went wrong.
const errorsAsText = (_key: string, value: unknown) =>
  value instanceof Error ? `${value.name}: ${value.message}` : value;

/**
 * The one way this project installs the SDK runtime (once per process, before any worker or native
 * connection): a logger that never prints an SSN unmasked, and no SDK signal handlers, because every
 * command shuts down by itself, within a bound. `core` is the level for Core's own (Rust) lines.
 * `forTests`: everything to stderr, and Core's lines straight there rather than forwarded to the JS
 * logger, whose forwarding keeps the event loop alive for as long as the runtime lives.
 */
export function installRuntime(level: LogLevel = 'INFO', core: LogLevel = 'WARN', forTests = false): void {
  const print = (line: string) => (forTests ? process.stderr.write(`${line}\n`) : console.log(line));
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => print(formatLogEntry(entry))),
    telemetryOptions: {
      logging: { filter: { core, other: 'ERROR' }, ...(forTests ? { console: {} } : { forward: {} }) },
    },
    shutdownSignals: [],
  });
}
