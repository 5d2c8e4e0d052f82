/** The shapes every part of the pipeline shares. */

/** Why a request failed: an HTTP status other than 200 (or a wrong body), no answer in time, or no connection. */
export type FailureKind = 'http' | 'timeout' | 'network';

/** One request of the load test. */
export interface Outcome {
  host: string;
  ok: boolean;
  /** Time from sending to the end of the answer (or to the failure), in ms. */
  ms: number;
  status?: number;
  failure?: FailureKind;
  /** What went wrong, for logs: "503", "timeout after 1000 ms", "ECONNREFUSED"… */
  detail?: string;
}

export interface HostStats {
  requests: number;
  successes: number;
  /** successes / requests, 0..1 (0 when there were no requests). */
  success_rate: number;
  /** requests / the whole test's duration in seconds. */
  rps: number;
  /** Latency of the successful requests, ms. */
  avg_ms: number;
  p50_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  failures: Record<FailureKind, number>;
}

export interface Report {
  target: string;
  seed: number;
  concurrency: number;
  timeout_ms: number;
  started_at: string;
  /** Wall time of the measured traffic (warm-up excluded), ms. */
  duration_ms: number;
  /** Requests sent during the warm-up (not part of the statistics). */
  warmup_requests: number;
  hosts: Record<string, HostStats>;
  combined: HostStats;
}
