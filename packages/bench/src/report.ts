import os from 'node:os';
import type { Measured } from './measure';

export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
export const machine = () =>
  `${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`;

/** One line of figures for a measured process tree that handled `count` histories. */
export function figures(m: Measured, count: number): string {
  // Each process's peak, biggest first: `cli.ts 256, child.js 180, ...`.
  const each = [...m.perProcess].sort((a, b) => b.rssMb - a.rssMb).map((p) => `${p.name} ${p.rssMb.toFixed(0)}`);
  const rss = `peak RSS ${m.peakRssMb.toFixed(0)} MB (${each.join(', ')})`;
  return `${m.wallS.toFixed(1).padStart(6)} s ${(count / m.wallS).toFixed(0).padStart(5)} histories/s  ${rss}, CPU ${m.cpuS.toFixed(1)} s`;
}
