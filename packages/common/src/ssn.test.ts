import { maskSsn, redactSsns, ssnProblem } from './ssn';

describe('ssnProblem', () => {
  it('accepts a well-formed SSN', () => {
    expect(ssnProblem('555-55-5555')).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['555555555', 'form ###-##-####'],
    ['555-55-55555', 'too long'],
    ['abc-de-fghi', 'form ###-##-####'],
    [5555, 'must be a string, got number'],
    [null, 'must be a string, got null'],
  ])('explains what is wrong with %p without echoing it', (input, expected) => {
    const problem = ssnProblem(input);
    expect(problem).toContain(expected);
    if (typeof input === 'string' && input) expect(problem).not.toContain(input);
  });
});

describe('masking', () => {
  it('keeps only the last four digits of a well-formed SSN', () => {
    expect(maskSsn('555-55-1234')).toBe('***-**-1234');
  });

  it('hides a malformed value entirely', () => {
    expect(maskSsn('12345')).toBe('***-**-****');
  });

  it('redacts every SSN in free text', () => {
    expect(redactSsns('a 555-55-1234 b {"ssn":"123-45-6789"}')).toBe('a ***-**-1234 b {"ssn":"***-**-6789"}');
  });
});
