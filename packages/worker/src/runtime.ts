import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { redactSsns } from '@background-check/common';

/** One log line: level, message, then any attributes; SSN-shaped text is masked. */
export function formatLogEntry(entry: LogEntry): string {
  const meta = entry.meta && Object.keys(entry.meta).length > 0 ? ` ${JSON.stringify(entry.meta, errorsAsText)}` : '';
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  return redactSsns(`${time} [${entry.level}] ${entry.message}${meta}`);
}

// Errors serialize as {} by default; a log line should say what went wrong.
function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}

/**
 * Installs the SDK runtime once per process, with a logger that never prints an SSN unmasked
 * (defence in depth: our code masks SSNs itself) and without the SDK's own signal handlers,
 * because our commands shut down explicitly and within a bound.
 */
export function installRuntime(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'INFO'): void {
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => console.log(formatLogEntry(entry))),
    // Core's own (Rust) log lines go through the same logger, so they are masked and formatted too.
    telemetryOptions: { logging: { filter: { core: level === 'DEBUG' ? 'DEBUG' : 'WARN', other: 'ERROR' }, forward: {} } },
    shutdownSignals: [],
  });
}
