import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sourceFingerprint } from './bundle';

describe('workflow bundle fingerprint', () => {
  it('changes when workflow code changes, and not for tests or timestamps', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-src-'));
    fs.writeFileSync(path.join(dir, 'index.ts'), 'export async function BackgroundCheck() { return "pass"; }\n');
    const first = sourceFingerprint(dir);

    fs.writeFileSync(path.join(dir, 'index.test.ts'), 'it("x", () => undefined);\n');
    fs.utimesSync(path.join(dir, 'index.ts'), new Date(0), new Date(0));
    expect(sourceFingerprint(dir)).toBe(first);

    fs.appendFileSync(path.join(dir, 'index.ts'), '// a change\n');
    expect(sourceFingerprint(dir)).not.toBe(first);
  });
});
