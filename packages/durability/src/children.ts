/** Counts lines of the output that match. */
export function countLines(text: string, pattern: RegExp): number {
  return text.split('\n').filter((line) => pattern.test(line)).length;
}

/** A stack-trace frame line ("    at fn (file:1:2)"): what a user must never see for bad input. */
export const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;
