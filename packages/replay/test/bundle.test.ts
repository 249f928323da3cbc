// The bundle cache (src/bundle.ts) on code outside this repository: one @temporalio/workflow in the bundle, the
// team's own; a rebuild whenever a file webpack put into the bundle changed, even outside the workflows folder.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@background-check/common';
import { useTimeSkippingEnv } from '@background-check/test-support';
import { RECORDER, prebuiltBundle } from '../src/bundle';
import { replayHistories } from '../src/replay';
import { APPROVAL_TYPES, approvalOutsideRepo, recordApprovals, sdkVerdict, type Recorded } from './approval';

let env: Parameters<Parameters<typeof useTimeSkippingEnv>[0]>[0];
useTimeSkippingEnv((e) => (env = e));

let recorded: Recorded[];
let team: string; // the team's copy, in a temp folder with its own node_modules
let workflowsPath: string;
beforeAll(async () => {
  recorded = await recordApprovals(env);
  team = approvalOutsideRepo();
  workflowsPath = path.join(team, 'src', 'workflows');
}, 60_000);
afterAll(() => fs.rmSync(team, { recursive: true, force: true }));

/** The team's code with the recorder, cached in the team's temp folder; what `log` was told. */
async function teamBundle(options: { workflowsPath?: string; interceptorModules?: string[] } = {}) {
  const lines: string[] = [];
  const bundle = await prebuiltBundle(
    { workflowsPath, interceptorModules: [RECORDER], cacheDir: path.join(team, '.bundles'), ...options },
    (line) => lines.push(line),
  );
  const stamp = JSON.parse(fs.readFileSync(bundle.codePath.replace(/\.js$/, '.stamp.json'), 'utf8'));
  const files = Object.keys(stamp.files).map((f) => path.resolve(team, '.bundles', f));
  return { ...bundle, lines, files };
}

async function checkVerdicts(workflowBundle: { codePath: string }) {
  const inputs = recorded.map((r) => ({
    source: r.name,
    workflowId: r.workflowId,
    loaded: { history: r.history, workflowType: 'Approval' },
  }));
  const results = await replayHistories(inputs, { workflowBundle, workflowTypes: APPROVAL_TYPES });
  return results.map((r) => `${r.source}: ${r.status}`);
}

test('code outside the repository: the bundle holds one @temporalio/workflow, the one the code resolves', async () => {
  expect(path.relative(repoRoot(), team)).toMatch(/^\.\./);
  const { codePath, files } = await teamBundle();
  const sdkFiles = files.filter((f) => f.includes(`${path.sep}@temporalio${path.sep}workflow${path.sep}`));
  expect(sdkFiles.length).toBeGreaterThan(10);
  expect(sdkFiles.filter((f) => !f.startsWith(team))).toEqual([]);
  // The code, the SDK's entrypoint and the recorder all import it: webpack made it one module each.
  const code = fs.readFileSync(codePath, 'utf8');
  const copies = new Set([...code.matchAll(/"([^"\s]*@temporalio\/workflow\/lib\/workflow\.js)"/g)].map((m) => m[1]));
  expect([...copies]).toEqual([expect.stringContaining(path.basename(team))]);
  // And it works: the recorder's sink reaches the check (explanations), and the plain SDK agrees.
  expect(await checkVerdicts({ codePath })).toEqual(recorded.map((r) => `${r.name}: pass`));
  const plain = await prebuiltBundle({ workflowsPath, cacheDir: path.join(team, '.bundles') });
  for (const r of recorded) expect(await sdkVerdict(plain, r.history, r.workflowId)).toBe('pass');
}, 60_000);

test('an edit to a helper outside the workflows folder rebuilds the bundle, and the check sees it', async () => {
  const first = await teamBundle();
  const policy = path.join(team, 'src', 'policy.ts');
  expect(first.files).toContain(policy);
  const again = await teamBundle();
  expect([again.codePath, again.lines]).toEqual([first.codePath, []]);

  // The reminder child's id changes: histories that started a reminder no longer replay.
  const text = fs.readFileSync(policy, 'utf8');
  fs.writeFileSync(policy, text.replace('`${requestWorkflowId}/reminder-${reminder}`', '`reminder-${reminder}`'));
  const edited = await teamBundle();
  expect(edited.codePath).toBe(first.codePath);
  expect(edited.lines).toEqual([expect.stringMatching(/^Bundling the workflow code \(.*src\/policy\.ts changed\)/)]);
  const reference = [];
  const plain = await prebuiltBundle({ workflowsPath, cacheDir: path.join(team, '.bundles') });
  for (const r of recorded) reference.push(`${r.name}: ${await sdkVerdict(plain, r.history, r.workflowId)}`);
  expect(reference).toEqual([
    'expense-approved: pass',
    'expense-reminded: fail',
    'travel-continued-run-1: fail',
    'travel-continued-run-2: pass',
  ]);
  expect(await checkVerdicts(edited)).toEqual(reference);
}, 60_000);

test('a file the bundle was built from removed, or other interceptors: another build', async () => {
  const helper = path.join(team, 'src', 'labels.ts');
  fs.writeFileSync(helper, "export const LABEL = 'approval';\n");
  const index = path.join(workflowsPath, 'index.ts');
  fs.appendFileSync(index, "export { LABEL } from '../labels';\n");
  const built = await teamBundle();
  expect(built.files).toContain(helper);
  // The helper becomes plain JavaScript: the .ts file is gone, and webpack must now read the .js one.
  fs.renameSync(helper, helper.replace(/\.ts$/, '.js'));
  expect((await teamBundle()).lines).toEqual([expect.stringMatching(/src\/labels\.ts was removed/)]);
  // A bundle is keyed by its workflows and interceptors: without the recorder it is another file.
  const withoutRecorder = await teamBundle({ interceptorModules: [] });
  expect(withoutRecorder.codePath).not.toBe(built.codePath);
}, 60_000);
