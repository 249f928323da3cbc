import { UsageError } from '@background-check/common';

/**
 * `--name value` flags (and `--name=value`), boolean switches, and positional arguments.
 * Unknown flags and missing values are usage errors.
 */
export function parseFlags(argv: string[], valued: string[], switches: string[] = []): { flags: Record<string, string>; switches: Set<string>; positional: string[] } {
  const flags: Record<string, string> = {};
  const on = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (switches.includes(name)) {
      on.add(name);
    } else if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value.`);
      flags[name] = value;
    } else {
      throw new UsageError(`Unknown option ${name}.`);
    }
  }
  return { flags, switches: on, positional };
}
