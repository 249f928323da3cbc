import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sourceFingerprint } from './bundle';

describe('workflow bundle fingerprint', () => {
  it('changes when workflow code or an interceptor changes, and not for tests or timestamps', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-src-'));
    const workflowsPath = path.join(dir, 'index.ts');
    fs.writeFileSync(workflowsPath, 'export async function BackgroundCheck() { return "pass"; }\n');
    const first = sourceFingerprint({ workflowsPath });

    fs.writeFileSync(path.join(dir, 'index.test.ts'), 'it("x", () => undefined);\n');
    fs.utimesSync(workflowsPath, new Date(0), new Date(0));
    expect(sourceFingerprint({ workflowsPath })).toBe(first);

    const interceptor = path.join(os.tmpdir(), `${path.basename(dir)}-interceptor.ts`);
    fs.writeFileSync(interceptor, 'export const interceptors = () => ({});\n');
    expect(sourceFingerprint({ workflowsPath, interceptorModules: [interceptor] })).not.toBe(first);

    fs.appendFileSync(workflowsPath, '// a change\n');
    expect(sourceFingerprint({ workflowsPath })).not.toBe(first);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(interceptor, { force: true });
  });
});
