import { LineSplitter } from './lines.js';
import { GridResampler } from './resample.js';
import { traceFiles } from './sources.js';
import { TraceFormatError, type TraceInstance } from './types.js';

/**
 * Reader for the Bitbrains GWA-T-12 per-VM CSV format (Grid Workloads Archive, TU Delft; Shen, van Beek, Iosup,
 * CCGrid 2015). One file per VM; columns separated by `;` followed by a tab.
 *
 * Traps handled here (see the data README):
 * - the header says `Timestamp [ms]` but the values are seconds since the epoch (values above 1e11 are taken as
 *   milliseconds so a corrected file also reads right);
 * - provisioned fields (cores, CPU MHz, memory KB) are 0 on some rows, so capacity is the maximum over the file;
 * - rows repeat timestamps and drift off the 5-minute grid, so rows are averaged onto a regular grid.
 *
 * Unit conversions (documented in data/README.md):
 * - CPU cores used = usage MHz / (provisioned MHz / provisioned cores), i.e. MHz divided by the per-core clock;
 *   when a file never states its MHz capacity, cores used = usage % / 100 × cores.
 * - memory MiB = active memory KB / 1024 (the trace's KB are KiB, as VMware reports them).
 * - network Mbps = (received + transmitted KB/s) × 1024 × 8 / 10^6.
 */

export interface BitbrainsOptions {
  /** Grid interval, seconds (the trace's nominal interval is 300). */
  intervalSeconds?: number;
  /** Called for a file that cannot become an instance (no rows, no core count); the reader goes on. */
  onSkip?: (file: string, reason: string) => void;
}

const KIB_PER_MIB = 1024;
const KBPS_TO_MBPS = (1024 * 8) / 1e6;

const COLUMNS = {
  timestamp: 'timestamp',
  cores: 'cpu cores',
  cpuCapacityMhz: 'cpu capacity provisioned',
  cpuUsageMhz: 'cpu usage [mhz]',
  cpuUsagePercent: 'cpu usage [%]',
  memoryCapacityKb: 'memory capacity provisioned',
  memoryUsageKb: 'memory usage',
  networkRxKbps: 'network received',
  networkTxKbps: 'network transmitted',
} as const;
type Column = keyof typeof COLUMNS;

/** Streams the VMs of a Bitbrains trace (directory, single CSV, or `.tar.gz`), one instance per file. */
export async function* readBitbrains(path: string, options: BitbrainsOptions = {}): AsyncGenerator<TraceInstance> {
  const intervalSeconds = options.intervalSeconds ?? 300;
  for await (const file of traceFiles(path, (name) => name.toLowerCase().endsWith('.csv'))) {
    const vm = new BitbrainsVmParser(file.name, intervalSeconds);
    const splitter = new LineSplitter();
    for await (const chunk of file.chunks) for (const line of splitter.push(chunk)) vm.line(line);
    for (const line of splitter.end()) vm.line(line);
    const result = vm.finish();
    if (typeof result === 'string') options.onSkip?.(file.name, result);
    else yield result;
  }
}

/** Parses one VM's CSV line by line; `finish` converts to absolute units once the file's maxima are known. */
export class BitbrainsVmParser {
  private index: Record<Column, number> | null = null;
  private lineNumber = 0;
  private maxCores = 0;
  private maxCpuMhz = 0;
  private maxMemoryKb = 0;
  private readonly mhz: GridResampler;
  private readonly percentCores: GridResampler;

  constructor(
    readonly fileName: string,
    intervalSeconds: number,
  ) {
    this.mhz = new GridResampler(intervalSeconds);
    this.percentCores = new GridResampler(intervalSeconds);
  }

  line(text: string): void {
    this.lineNumber += 1;
    if (text.trim() === '') return;
    const fields = text.split(';').map((f) => f.trim());
    if (this.index === null) {
      this.index = headerIndex(fields, this.fileName);
      return;
    }
    const get = (column: Column): number => {
      const raw = fields[this.index![column]];
      const value = raw === undefined || raw === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) {
        throw new TraceFormatError(`${this.fileName}:${this.lineNumber}`, `${COLUMNS[column]} is not a number: ${raw}`);
      }
      return value;
    };
    const stamp = get('timestamp');
    const atMs = stamp > 1e11 ? stamp : stamp * 1000;
    const cores = get('cores');
    this.maxCores = Math.max(this.maxCores, cores);
    this.maxCpuMhz = Math.max(this.maxCpuMhz, get('cpuCapacityMhz'));
    this.maxMemoryKb = Math.max(this.maxMemoryKb, get('memoryCapacityKb'));
    const memoryMiB = get('memoryUsageKb') / KIB_PER_MIB;
    const networkMbps = (get('networkRxKbps') + get('networkTxKbps')) * KBPS_TO_MBPS;
    this.mhz.add(atMs, get('cpuUsageMhz'), memoryMiB, networkMbps);
    this.percentCores.add(atMs, (get('cpuUsagePercent') / 100) * cores, memoryMiB, networkMbps);
  }

  /** The instance, or the reason the file cannot be one. */
  finish(): TraceInstance | string {
    if (this.index === null) return 'empty file';
    if (this.maxCores <= 0) return 'no row states a core count';
    const mhzPerCore = this.maxCpuMhz / this.maxCores;
    const samples =
      mhzPerCore > 0
        ? this.mhz.samples().map((s) => ({ ...s, cpu: s.cpu / mhzPerCore }))
        : this.percentCores.samples();
    if (samples.length === 0) return 'no data rows';
    return {
      id: this.fileName.replace(/\.csv$/i, ''),
      format: 'bitbrains',
      capacity: {
        cpu: this.maxCores,
        memory: this.maxMemoryKb > 0 ? this.maxMemoryKb / KIB_PER_MIB : null,
        network: null,
      },
      intervalSeconds: this.mhz.intervalSeconds,
      samples,
      hasNetwork: true,
      hasMemory: true,
    };
  }
}

function headerIndex(fields: string[], fileName: string): Record<Column, number> {
  const lower = fields.map((f) => f.toLowerCase());
  const index = {} as Record<Column, number>;
  for (const [column, prefix] of Object.entries(COLUMNS) as [Column, string][]) {
    const at = lower.findIndex((f) => f.startsWith(prefix));
    if (at < 0) throw new TraceFormatError(fileName, `header has no "${prefix}" column (is this a Bitbrains file?)`);
    index[column] = at;
  }
  return index;
}
