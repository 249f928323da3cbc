// Longest files first. On a fresh clone jest has no timings yet and starts big files first, so the
// walkthrough (a small file that runs for minutes) would start last and make the whole tier wait.
const Sequencer = require('@jest/test-sequencer').default;

const SLOWEST = [
  'walkthrough',
  'worker-versioning',
  'worker-kill',
  'load',
  'run-once',
  'server-restart',
  'chapter-flow',
];
const rank = (test) => {
  const i = SLOWEST.findIndex((name) => test.path.endsWith(`/${name}.e2e.test.ts`));
  return i < 0 ? SLOWEST.length : i;
};

module.exports = class SlowestFirst extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a) - rank(b));
  }
};
