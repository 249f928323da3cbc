import { UserError, intOption, parseCommandArgs, runCommand, withTimeout } from './cli';

describe('UserError', () => {
  it('carries an exit code (1 unless said) and never holds an SSN unmasked', () => {
    const err = new UserError("Unexpected argument '123-45-6789'.", 2);
    expect(err.message).toBe("Unexpected argument '***-**-6789'.");
    expect(err.exitCode).toBe(2);
    expect(new UserError('x').exitCode).toBe(1);
  });
});

describe('command options', () => {
  const USAGE = 'Usage: pnpm example [--ssn ###-##-####]';
  const options = { ssn: { type: 'string' as const, default: '555-55-5555' }, timeout: { type: 'string' as const } };

  it('reads options, with defaults, with or without a leading --', () => {
    expect(parseCommandArgs([], options, USAGE).values).toEqual({ ssn: '555-55-5555' });
    expect(parseCommandArgs(['--', '--ssn', '555-55-1234', '--timeout', '30'], options, USAGE).values).toEqual({
      ssn: '555-55-1234',
      timeout: '30',
    });
  });

  it.each([
    [['--sn', '555-55-5555'], /^Unknown option '--sn'/],
    [['extra'], /^Unexpected argument 'extra'/],
    [['--ssn'], /^Option '--ssn <value>' argument missing/],
    // An SSN typed without --ssn is quoted back masked.
    [['123-45-6789'], /^Unexpected argument '\*\*\*-\*\*-6789'/],
  ])('refuses %p: a usage error (exit 2) that says what was wrong', (argv, message) => {
    let err: unknown;
    try {
      parseCommandArgs(argv, options, USAGE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).message).toMatch(message);
    expect((err as UserError).message).not.toContain('123-45-6789');
  });

  it('takes whole numbers within bounds, and names the option otherwise', () => {
    expect(intOption(undefined, 'timeout', 180)).toBe(180);
    expect(intOption('30', 'timeout', 180)).toBe(30);
    for (const bad of ['soon', '0', '2.5', '-1']) {
      expect(() => intOption(bad, 'timeout', 180)).toThrow(
        new UserError(`--timeout takes a whole number of at least 1, not "${bad}".`, 2),
      );
    }
  });
});

describe('runCommand', () => {
  // The wrapper ends the process: watch what it prints and the code it exits with.
  async function run(main: () => Promise<number | void>, usage?: string) {
    const printed: string[] = [];
    const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
    const exited = new Promise<number>((resolve) =>
      jest.spyOn(process, 'exit').mockImplementation(((code: number) => resolve(code)) as never),
    );
    runCommand(main, usage);
    const code = await exited;
    error.mockRestore();
    jest.restoreAllMocks();
    return { code, printed: printed.join('\n') };
  }

  it("exits with main's code", async () => {
    expect(await run(async () => 3)).toEqual({ code: 3, printed: '' });
  });

  it('prints a usage mistake with the usage and exits 2; other user errors without it', async () => {
    const usage = 'Usage: pnpm example';
    expect(await run(() => Promise.reject(new UserError('--timeout takes a number.', 2)), usage)).toEqual({
      code: 2,
      printed: `--timeout takes a number.\n\n${usage}`,
    });
    expect(await run(() => Promise.reject(new UserError('No server at localhost:7233.')), usage)).toEqual({
      code: 1,
      printed: 'No server at localhost:7233.',
    });
  });

  it('prints any other error with its stack, SSNs masked, and exits 1', async () => {
    const { code, printed } = await run(() => Promise.reject(new Error('bad 123-45-6789')));
    expect(code).toBe(1);
    expect(printed).toMatch(/^Error: bad \*\*\*-\*\*-6789\n\s+at /);
  });
});

describe('withTimeout', () => {
  it('passes the value through when it comes in time', async () => {
    await expect(withTimeout(Promise.resolve('pass'), 1000, 'the server')).resolves.toBe('pass');
  });

  it('rejects once the bound passes, naming what did not answer', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withTimeout(never, 20, 'the server')).rejects.toThrow(
      new UserError('the server did not answer within 0.02 s.'),
    );
    await expect(withTimeout(never, 20, () => new Error('custom'))).rejects.toThrow('custom');
  });
});
