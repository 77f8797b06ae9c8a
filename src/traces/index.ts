export { readBitbrains, BitbrainsVmParser, type BitbrainsOptions } from './bitbrains.js';
export { readGoogle2019, nestedUsage, DEFAULT_GOOGLE_MACHINE, type Google2019Options } from './google2019.js';
export { readPlanetLab, type PlanetLabOptions } from './planetlab.js';
export { parseTraceRef, readTrace } from './open.js';
export { traceFiles, type TraceFile } from './sources.js';
export {
  TRACE_FORMATS,
  TraceFormatError,
  type TraceCapacity,
  type TraceFormat,
  type TraceInstance,
  type TraceRef,
  type TraceSample,
} from './types.js';
