import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_SSN, ssnTrace } from './ssn-trace';

describe('ssnTrace activity', () => {
  it('returns "pass" for a well-formed SSN', async () => {
    const env = new MockActivityEnvironment();
    await expect(env.run(ssnTrace, '555-55-5555')).resolves.toBe('pass');
  });

  it.each([[''], ['123-45-678'], ['1234-56-7890'], ['not-an-ssn']])('fails %p with a non-retryable InvalidSsn failure that does not echo the input', async (ssn) => {
    const env = new MockActivityEnvironment();
    const err = await env.run(ssnTrace, ssn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe(INVALID_SSN);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/^Invalid SSN: .*###-##-####/);
    if (ssn) expect(failure.message).not.toContain(ssn);
  });

  it('fails a value that is not a string', async () => {
    const env = new MockActivityEnvironment();
    const err = (await env.run(ssnTrace, 555555555 as unknown as string).catch((e: unknown) => e)) as ApplicationFailure;
    expect(err.message).toContain('must be a string, got number');
  });
});
