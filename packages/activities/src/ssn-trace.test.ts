import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure, type LogLevel, type LogMetadata, type Logger } from '@temporalio/common';
import { INVALID_SSN, ssnTrace } from './ssn-trace';

/** A logger that keeps the activity's log lines for the test to read, instead of printing them. */
function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: LogLevel) => (message: string, meta?: LogMetadata) => {
    lines.push(
      `${level} ${message} ${JSON.stringify(meta ?? {}, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`,
    );
  };
  return {
    lines,
    log: (level, message, meta) => log(level)(message, meta),
    trace: log('TRACE'),
    debug: log('DEBUG'),
    info: log('INFO'),
    warn: log('WARN'),
    error: log('ERROR'),
  };
}

describe('ssnTrace activity', () => {
  it('returns "pass" for a well-formed SSN, and logs it masked', async () => {
    const logger = capturingLogger();
    const env = new MockActivityEnvironment({}, { logger });
    await expect(env.run(ssnTrace, '555-55-1234')).resolves.toBe('pass');
    expect(logger.lines.join('\n')).toContain('SSN trace passed');
    expect(logger.lines.join('\n')).toContain('***-**-1234');
    expect(logger.lines.join('\n')).not.toContain('555-55-1234');
  });

  it.each([[''], ['123-45-678'], ['1234-56-7890'], ['not-an-ssn']])(
    'fails %p with a non-retryable InvalidSsn failure that does not echo the input',
    async (ssn) => {
      const env = new MockActivityEnvironment({}, { logger: capturingLogger() });
      const err = await env.run(ssnTrace, ssn).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      const failure = err as ApplicationFailure;
      expect(failure.type).toBe(INVALID_SSN);
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toMatch(/^Invalid SSN: .*###-##-####/);
      if (ssn) expect(failure.message).not.toContain(ssn);
    },
  );

  it('fails a value that is not a string', async () => {
    const env = new MockActivityEnvironment({}, { logger: capturingLogger() });
    const err = (await env
      .run(ssnTrace, 555555555 as unknown as string)
      .catch((e: unknown) => e)) as ApplicationFailure;
    expect(err.message).toContain('must be a string, got number');
  });
});
