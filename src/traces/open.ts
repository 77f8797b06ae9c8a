import { readBitbrains } from './bitbrains.js';
import { readGoogle2019 } from './google2019.js';
import { readPlanetLab } from './planetlab.js';
import { TRACE_FORMATS, TraceFormatError, type TraceFormat, type TraceInstance, type TraceRef } from './types.js';

/** Parses `bitbrains:<path>` (also `google2019:`, `planetlab:`) as given on a command line. */
export function parseTraceRef(text: string): TraceRef {
  const colon = text.indexOf(':');
  const format = text.slice(0, colon) as TraceFormat;
  const path = text.slice(colon + 1);
  if (colon < 0 || !TRACE_FORMATS.includes(format) || path === '') {
    throw new TraceFormatError(text, `expected <format>:<path> with format one of ${TRACE_FORMATS.join(', ')}`);
  }
  return { format, path };
}

/** Streams the instances of any supported trace. */
export function readTrace(ref: TraceRef): AsyncGenerator<TraceInstance> {
  switch (ref.format) {
    case 'bitbrains':
      return readBitbrains(ref.path);
    case 'google2019':
      return readGoogle2019(ref.path);
    case 'planetlab':
      return readPlanetLab(ref.path);
  }
}
