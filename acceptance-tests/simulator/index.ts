/** Public API of the Inventory Analytics API simulator. */
export { startSimulator } from './server';
export { RESOURCES, DEFAULT_API_KEY } from './types';
export type {
  Resource,
  FaultRule,
  FaultBody,
  SimulatorOptions,
  RequestLogEntry,
  Simulator,
  SimulatorStats,
  RateLimitConfig,
  DriftConfig,
  ChurnConfig,
  WaitBreach,
  WaitStats,
} from './types';
export { parseTimestamp, formatTimestamp } from './time';
