// The replay check on another team's code (packages/approval-workflows: a signal, a condition with a timeout, a
// child whose id derives from workflowInfo().workflowId, continue-as-new), judged against the plain SDK: for every
// changed copy of the code and every history recorded on a real server, the check passes exactly when
// `Worker.runReplayHistory` does.
import { useTimeSkippingEnv } from '@background-check/test-support';
import { prebuiltBundle, replayBundle } from '../src/bundle';
import { replayHistories, type HistoryInput } from '../src/replay';
import {
  APPROVAL_TYPES,
  APPROVAL_VARIANTS,
  APPROVAL_WORKFLOWS,
  approvalVariant,
  recordApprovals,
  sdkVerdict,
  type Recorded,
} from './approval';

let env: Parameters<Parameters<typeof useTimeSkippingEnv>[0]>[0];
useTimeSkippingEnv((e) => (env = e));

let recorded: Recorded[];
beforeAll(async () => void (recorded = await recordApprovals(env)), 60_000);

const inputs = (workflowId?: string): HistoryInput[] =>
  recorded.map((r) => ({
    source: r.name,
    workflowId: workflowId ?? r.workflowId,
    runId: r.runId,
    loaded: { history: r.history, workflowType: 'Approval' },
  }));

/** Per history, in the order recorded: the SDK's verdicts and the check's, for one version of the code. */
async function verdicts(workflowsPath: string) {
  const plain = await prebuiltBundle({ workflowsPath });
  const sdk = [];
  for (const r of recorded) sdk.push(`${r.name}: ${await sdkVerdict(plain, r.history, r.workflowId)}`);
  const results = await replayHistories(inputs(), {
    workflowBundle: await replayBundle(workflowsPath),
    workflowTypes: APPROVAL_TYPES,
  });
  return { sdk, check: results.map((r) => `${r.source}: ${r.status}`), results };
}

// What the SDK decides for each change (the reference), per history: approved at once; one reminder, then
// rejected; two reminders, then continued as new (run 1); the new run, approved.
const SDK_REFERENCE: Record<string, string> = {
  unchanged: 'pass pass pass pass',
  'query-added': 'pass pass pass pass',
  'timeout-changed': 'pass pass pass pass', // timer durations are not compared on replay
  'signal-starts-activity': 'fail pass pass fail', // where `approve` came in
  'approve-signal-renamed': 'fail pass pass fail',
  'child-id-changed': 'pass fail fail pass', // where a reminder child was started
  'step-before-continue-as-new': 'pass pass fail pass',
  'reminders-for-expenses-only': 'pass pass fail pass', // the travel request's reminders are gone
};

test('every changed copy has its SDK reference, for the four histories recorded', () => {
  expect(Object.keys(SDK_REFERENCE).sort()).toEqual(APPROVAL_VARIANTS);
  expect(recorded.map((r) => r.name)).toEqual([
    'expense-approved',
    'expense-reminded',
    'travel-continued-run-1',
    'travel-continued-run-2',
  ]);
});

test('the code as it is replays every history, as the SDK says', async () => {
  const { sdk, check } = await verdicts(APPROVAL_WORKFLOWS);
  expect(sdk).toEqual(recorded.map((r) => `${r.name}: pass`));
  expect(check).toEqual(sdk);
}, 60_000);

describe.each(APPROVAL_VARIANTS)('%s', (variant) => {
  test('the check passes and fails exactly where the plain SDK does', async () => {
    const { sdk, check, results } = await verdicts(approvalVariant(variant));
    const reference = SDK_REFERENCE[variant]!.split(' ');
    expect(sdk).toEqual(recorded.map((r, i) => `${r.name}: ${reference[i]}`));
    expect(check).toEqual(sdk);
    // A failure says why: where the code and the history part ways, or the error.
    for (const r of results.filter((x) => x.status === 'fail')) expect(r.divergence ?? r.message).toBeTruthy();
  }, 60_000);
});

test('a history replays with its own workflow id; with another, code that reads workflowInfo() fails', async () => {
  const reminded = recorded.find((r) => r.name === 'expense-reminded')!;
  const plain = await prebuiltBundle({ workflowsPath: APPROVAL_WORKFLOWS });
  expect(await sdkVerdict(plain, reminded.history, reminded.workflowId)).toBe('pass');
  expect(await sdkVerdict(plain, reminded.history, 'someone-else')).toBe('fail');

  const options = { workflowBundle: await replayBundle(APPROVAL_WORKFLOWS), workflowTypes: APPROVAL_TYPES };
  const own = await replayHistories(inputs(), options);
  const other = await replayHistories(inputs('someone-else'), options);
  const statusOf = (results: typeof own) => results.find((r) => r.source === reminded.name)!.status;
  expect([statusOf(own), statusOf(other)]).toEqual(['pass', 'fail']);
}, 60_000);
