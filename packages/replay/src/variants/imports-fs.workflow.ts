// Deliberately wrong workflow code: the bundler test expects the SDK to refuse it. The lint rule
// that forbids this import is switched off for this one file.
/* eslint-disable @typescript-eslint/no-restricted-imports */
import fs from 'fs';

export async function BackgroundCheck(ssn: string): Promise<string> {
  return fs.existsSync(`/tmp/${ssn.length}`) ? 'pass' : 'fail';
}
