import { LineSplitter } from './lines.js';
import { traceFiles } from './sources.js';
import { TraceFormatError, type TraceInstance, type TraceSample } from './types.js';

/**
 * Reader for the PlanetLab CPU traces shipped with CloudSim: one file per VM, one integer CPU percent per line,
 * one line every 5 minutes for one day. The files carry no date, so `startMs` anchors the series (default
 * 2011-03-03T00:00Z, the date of the CloudSim folder). The VM is taken as one core (cores = percent / 100);
 * memory and network are absent.
 */
export interface PlanetLabOptions {
  startMs?: number;
}

const INTERVAL_SECONDS = 300;

export async function* readPlanetLab(path: string, options: PlanetLabOptions = {}): AsyncGenerator<TraceInstance> {
  const startMs = options.startMs ?? Date.UTC(2011, 2, 3);
  for await (const file of traceFiles(path, (name) => !name.startsWith('.'))) {
    const samples: TraceSample[] = [];
    const splitter = new LineSplitter();
    const take = (line: string) => {
      if (line.trim() === '') return;
      const percent = Number(line);
      if (!Number.isFinite(percent)) throw new TraceFormatError(`${file.name}:${samples.length + 1}`, `not a CPU percent: ${line}`);
      samples.push({ at: startMs + samples.length * INTERVAL_SECONDS * 1000, cpu: percent / 100, memory: 0, network: 0 });
    };
    for await (const chunk of file.chunks) splitter.push(chunk).forEach(take);
    splitter.end().forEach(take);
    if (samples.length === 0) continue;
    yield {
      id: file.name,
      format: 'planetlab',
      capacity: { cpu: 1, memory: null, network: null },
      intervalSeconds: INTERVAL_SECONDS,
      samples,
      hasNetwork: false,
      hasMemory: false,
    };
  }
}
