import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { MachineInfo } from './BenchReport';

/** CPU, cores, memory, Node version and the current load of this machine. */
export function machineInfo(): MachineInfo {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    totalMemoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
