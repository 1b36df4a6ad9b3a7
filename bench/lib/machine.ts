import { readFileSync } from "node:fs";
import os from "node:os";

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly nodeVersion: string;
  readonly platform: string;
  readonly totalMemoryMiB: number;
}

/** `os.cpus()` reports what the hypervisor exposes, sometimes just the family; /proc/cpuinfo may say more. */
function cpuModel(): string {
  const fromOs = os.cpus()[0]?.model?.trim() ?? "unknown";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    const fromProc = line?.split(":")[1]?.trim();
    return fromProc && fromProc.length > fromOs.length ? fromProc : fromOs;
  } catch {
    return fromOs;
  }
}

export function describeMachine(): Machine {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    nodeVersion: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
  };
}

/** The 1-minute load average: on a shared machine it says how much the figures were competing for the cores. */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0] * 100) / 100;
}
