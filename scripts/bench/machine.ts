import { cpus, freemem, loadavg, totalmem, platform, release } from 'node:os';
import { availableParallelism } from 'node:os';

export interface MachineFacts {
  readonly cores: number;
  readonly cpuModel: string;
  readonly ramGiB: number;
  readonly freeRamGiB: number;
  readonly loadAverage: readonly number[];
  readonly node: string;
  readonly os: string;
}

const gib = (b: number) => Number((b / 2 ** 30).toFixed(1));

export function machineFacts(): MachineFacts {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    ramGiB: gib(totalmem()),
    freeRamGiB: gib(freemem()),
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}
