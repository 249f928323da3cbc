import { UsageError } from '@background-check/common';
import { parseStarterArgs } from './args';

describe('start:workflow options', () => {
  it('has the chapter defaults', () => {
    expect(parseStarterArgs([])).toEqual({ ssn: undefined, workflowId: undefined, timeoutSeconds: 180, help: false });
  });

  it('reads --ssn, --workflow-id and --timeout, with or without a leading --', () => {
    expect(parseStarterArgs(['--', '--ssn', '555-55-1234', '--workflow-id', 'bg-2', '--timeout', '30'])).toEqual({
      ssn: '555-55-1234',
      workflowId: 'bg-2',
      timeoutSeconds: 30,
      help: false,
    });
  });

  it.each([
    [['--sn', '555-55-5555'], /Unknown option '--sn'/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--timeout', 'soon'], /--timeout must be a positive number/],
    [['--workflow-id', ' '], /--workflow-id must not be empty/],
    [['--ssn'], /--ssn.*argument missing/],
  ])('rejects %p with a usage error', (argv, message) => {
    expect(() => parseStarterArgs(argv)).toThrow(UsageError);
    expect(() => parseStarterArgs(argv)).toThrow(message);
  });
});
