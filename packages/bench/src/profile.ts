import inspector from 'node:inspector';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where the main thread's time goes, by what runs: the buckets `pnpm bench:replay` prints. */
export const CATEGORIES = [
  ['vm', 'entering the workflow sandbox (vm.runInContext; Node starts a watchdog thread per call for its timeout)'],
  ['workflow', 'workflow code and the SDK runtime inside the sandbox (activations, our BackgroundCheck)'],
  ['sdk', 'the SDK worker in Node (activation pipeline, rxjs, logging, replay plumbing)'],
  ['bridge', 'Core (Rust) on the main thread: native bridge calls and their callbacks'],
  ['protobuf', 'protobuf encoding and decoding (activations, completions, histories)'],
  ['history', 'reading and parsing history JSON'],
  ['gc', 'garbage collection'],
  ['idle', 'main thread idle: waiting for Core (Rust threads) to answer'],
  ['other', 'everything else'],
] as const;

export type Category = (typeof CATEGORIES)[number][0];

function categorize(frame: ProfileNode['callFrame']): Category {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === 'runInContext' || url === 'node:vm') return 'vm';
  if (url.startsWith('evalmachine') || /workflow-bundle|__temporal/.test(url)) return 'workflow';
  // Rust symbols (temporal_sdk_typescript_bridge::...) and Neon's callback dispatch have no URL.
  if (url.includes('@temporalio/core-bridge') || functionName.includes('::') || (url === '' && functionName === 'dispatch')) return 'bridge';
  if (url.includes('protobufjs') || url.includes('@temporalio/proto') || url.includes('proto-utils')) return 'protobuf';
  if (url.includes('@temporalio/') || url.includes('rxjs') || url.includes('heap-js')) return 'sdk';
  if (functionName === 'parse' && url === '') return 'history';
  if (url.includes('node:fs') || functionName === 'readFileUtf8') return 'history';
  return 'other';
}

/** Runs `fn` under V8's CPU profiler and returns milliseconds of main-thread time per category. */
export async function profileByCategory(fn: () => Promise<void>): Promise<Record<Category, number>> {
  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  let profile: Profile;
  try {
    await fn();
  } finally {
    ({ profile } = await post<{ profile: Profile }>('Profiler.stop'));
    session.disconnect();
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = Object.fromEntries(CATEGORIES.map(([c]) => [c, 0])) as Record<Category, number>;
  const others = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const category = categorize(node.callFrame);
    totals[category] += ms;
    if (category === 'other') {
      const key = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url}`;
      others.set(key, (others.get(key) ?? 0) + ms);
    }
  });
  if (process.env.BENCH_PROFILE_OTHERS) {
    for (const [key, ms] of [...others].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    other: ${ms.toFixed(0)} ms ${key}`);
  }
  return totals;
}
