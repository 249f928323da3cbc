// The TypeScript guards behind the chapter's "sandbox" section: in workflow code Math.random(),
// Date.now() and uuid4() give the same values on replay, a Node built-in is refused at bundle time,
// and the workflow logger stays silent while history replays.
import path from 'node:path';
import { Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { useTimeSkippingEnv } from '@background-check/test-support';
import { bundleVariant, corpusFiles, probeDraws, tookTimerBranch, variantPath } from './corpus';

type Values = [step: string, random: number, now: number, uuid: string];

let env: Parameters<Parameters<typeof useTimeSkippingEnv>[0]>[0];
useTimeSkippingEnv((e) => (env = e));

test('Math.random(), Date.now() and uuid4() replay with the values of the first run; the workflow logger is silent on replay', async () => {
  const bundle = await bundleVariant('clock-and-random');
  const logged = jest.spyOn(Runtime.instance().logger, 'info');
  const timesLogged = () => logged.mock.calls.filter(([message]) => message === 'Intrinsic values read').length;
  const recorder = { step: { fn: () => undefined } };
  const live: Values[] = [];
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'intrinsic',
    workflowBundle: bundle,
    sinks: {
      intrinsic: { values: { fn: (_info, ...values: Values) => void live.push(values), callDuringReplay: false } },
      replayRecorder: recorder,
    },
  });
  const handle = await worker.runUntil(async () => {
    const h = await env.client.workflow.start('BackgroundCheck', {
      taskQueue: 'intrinsic',
      workflowId: 'intrinsic-values',
      args: ['555-55-5555'],
    });
    await h.result();
    return h;
  });
  const loggedLive = timesLogged();
  // Live: both reads happened; the numbers differ from each other, and the clock moved with the timer.
  expect(live.map((v) => v[0])).toEqual(['start', 'after-sleep']);
  expect(live[0]![1]).not.toBe(live[1]![1]);
  expect(live[0]![3]).not.toBe(live[1]![3]);
  expect(live[1]![2] - live[0]![2]).toBeGreaterThanOrEqual(10_000);
  expect(loggedLive).toBe(1);

  const replayed: Values[] = [];
  await Worker.runReplayHistory(
    {
      workflowBundle: bundle,
      sinks: {
        intrinsic: { values: { fn: (_info, ...values: Values) => void replayed.push(values), callDuringReplay: true } },
        replayRecorder: recorder,
      },
    },
    await handle.fetchHistory(),
    'intrinsic-values',
  );
  expect(replayed).toEqual(live);
  // The code ran again (the sink saw it) but the logger printed nothing more.
  expect(timesLogged()).toBe(loggedLive);
  logged.mockRestore();
});

test("the draw is replayed too: the current code's number is below 50 exactly for the corpus histories that slept", async () => {
  const files = corpusFiles();
  const draws = await probeDraws(files);
  const brief = (file: string, slept: boolean) => ({ file: path.basename(file), slept });
  expect(files.map((f) => brief(f, draws.get(f)! < 50))).toEqual(files.map((f) => brief(f, tookTimerBranch(f))));
});

test("a workflow that imports a Node built-in (fs) is refused at bundle time, with the SDK's error", async () => {
  const quiet = {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    log: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  await expect(bundleWorkflowCode({ workflowsPath: variantPath('imports-fs'), logger: quiet })).rejects.toThrow(
    /Your Workflow code \(or a library used by your Workflow code\) is importing the following disallowed modules:[\s\S]*'fs'/,
  );
});
