import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { TraceFormatError } from './types.js';

/** One file of a trace, read as a stream of byte chunks (never loaded whole). */
export interface TraceFile {
  /** The file's name without directories, e.g. `122.csv`. */
  name: string;
  chunks: AsyncIterable<Uint8Array>;
}

const ARCHIVE = /\.(tar\.gz|tgz|tar)$/i;

/**
 * Yields the files of a trace at `path`: a directory (its files, sorted by name, not recursive), a single file, or
 * a tar archive (`.tar`, `.tar.gz`, `.tgz`) read as a stream without unpacking it. `accept` filters by file name.
 * The consumer must read each file's chunks before asking for the next file (archives are sequential).
 */
export async function* traceFiles(path: string, accept: (name: string) => boolean): AsyncGenerator<TraceFile> {
  const info = await stat(path).catch((cause: unknown) => {
    throw new TraceFormatError(path, `cannot read trace path (${(cause as Error).message})`);
  });
  if (info.isDirectory()) {
    const names = (await readdir(path)).filter(accept).sort(compareNatural);
    for (const name of names) yield { name, chunks: createReadStream(join(path, name)) };
  } else if (ARCHIVE.test(path)) {
    yield* archiveFiles(path, accept);
  } else {
    yield { name: basename(path), chunks: createReadStream(path) };
  }
}

/** `2.csv` before `10.csv`, so directory and archive order are stable and human-sensible. */
function compareNatural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

async function* archiveFiles(path: string, accept: (name: string) => boolean): AsyncGenerator<TraceFile> {
  const queue: ReadEntry[] = [];
  let finished = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  // The parser handles gzip itself; entries it hands us hold the parser back until they are read, so at most one
  // entry is queued and memory stays at one chunk plus the consumer's state.
  const parser = new Parser({
    onReadEntry: (entry) => {
      if (entry.type === 'File' && accept(basename(entry.path))) {
        queue.push(entry);
        notify();
      } else {
        entry.resume();
      }
    },
  });
  parser.on('end', () => {
    finished = true;
    notify();
  });
  parser.on('error', (err: Error) => {
    failure = new TraceFormatError(path, `corrupt archive (${err.message})`);
    notify();
  });
  const source = createReadStream(path);
  source.on('error', (err) => {
    failure = new TraceFormatError(path, err.message);
    notify();
  });
  source.pipe(parser as unknown as NodeJS.WritableStream);
  try {
    for (;;) {
      const entry = queue.shift();
      if (entry) {
        yield { name: basename(entry.path), chunks: entry as AsyncIterable<Uint8Array> };
        entry.resume(); // drain whatever the consumer left unread so the parser can move on
        continue;
      }
      if (failure) throw failure;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    source.destroy();
  }
}
