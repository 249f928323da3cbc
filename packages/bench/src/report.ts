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
  const rss = `peak RSS ${m.peakRssMb.toFixed(0)} MB (${m.processes} process${m.processes === 1 ? '' : 'es'}, largest ${m.maxProcessRssMb.toFixed(0)} MB)`;
  return `${m.wallS.toFixed(1).padStart(6)} s ${(count / m.wallS).toFixed(0).padStart(5)} histories/s  ${rss}, CPU ${m.cpuS.toFixed(1)} s`;
}
