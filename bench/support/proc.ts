/**
 * What a benchmarked server process costs, read from /proc (Linux): CPU of its whole process group
 * (every process and thread the server started, so a Collector's goroutines, Node's worker threads and
 * any helper process all count) and peak resident memory.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for utime/stime in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface Stat {
  pgrp: number;
  cpuSeconds: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  // proc(5): the command name is in parentheses and may hold spaces; fields after it are plain.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15
  return { pgrp: Number(fields[2]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
}

/** Pids of the process group `pgid` (a child spawned with `detached: true` leads its own group). */
export function groupPids(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    if (readStat(pid)?.pgrp === pgid) out.push(pid);
  }
  return out;
}

/** User + system CPU seconds one process has used (all its threads); 0 once it has exited. */
export function cpuSecondsOf(pid: number): number {
  return readStat(pid)?.cpuSeconds ?? 0;
}

/** User + system CPU seconds the group's live processes have used (threads included). */
export function groupCpuSeconds(pgid: number): number {
  let total = 0;
  for (const pid of groupPids(pgid)) total += readStat(pid)?.cpuSeconds ?? 0;
  return total;
}

/** Peak resident set (VmHWM) of one process, MiB. */
export function peakRssMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Sum of the peaks of the group's live processes, MiB (one process: its own peak). */
export function groupPeakRssMiB(pgid: number): number {
  let total = 0;
  for (const pid of groupPids(pgid)) total += peakRssMiB(pid);
  return total;
}

/** The 1-minute load average, to print beside figures taken on a shared machine. */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

/** CPU seconds of each thread of `pid` (/proc/<pid>/task/<tid>/stat), by thread id. */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      out.set(Number(t), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}
