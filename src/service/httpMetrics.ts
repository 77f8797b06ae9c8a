/**
 * The per-request HTTP metrics (`parley_http_requests_total{method,route,status}` and
 * `parley_http_request_duration_seconds{method,route}`), counted in plain numbers per label set and handed to
 * prom-client only when /metrics is scraped. prom-client's own Counter and Histogram validate, copy and hash their
 * labels on every call, children from `labels()` included (about 3 µs a request, a tenth of a bare Hono request);
 * here a request costs one Map lookup. The exposition is the one prom-client would produce for the same observations
 * (test/service/httpMetrics.test.ts compares them).
 */
import type { Registry } from 'prom-client';

export const HTTP_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

const REQUESTS = 'parley_http_requests_total';
const DURATION = 'parley_http_request_duration_seconds';

interface RouteStats {
  method: string;
  route: string;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative): index i counts values in (bound[i−1], bound[i]], the last is +Inf. */
  buckets: Float64Array;
  byStatus: Map<number, number>;
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

export class HttpMetrics {
  private readonly routes = new Map<string, RouteStats>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route}`;
    let stats = this.routes.get(key);
    if (!stats) {
      stats = { method, route, count: 0, sum: 0, buckets: new Float64Array(HTTP_DURATION_BUCKETS.length + 1), byStatus: new Map() };
      this.routes.set(key, stats);
    }
    stats.count++;
    stats.sum += seconds;
    let b = 0;
    while (b < HTTP_DURATION_BUCKETS.length && seconds > HTTP_DURATION_BUCKETS[b]!) b++;
    stats.buckets[b]!++;
    stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
  }

  /** Registers both metrics in `registry` (they are read from this object at every scrape). */
  register(registry: Registry): void {
    const metric = (name: string, help: string, type: 'counter' | 'histogram', values: () => MetricValue[]) => ({
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
      reset: () => this.routes.clear(),
    });
    const register = registry.registerMetric.bind(registry) as (m: unknown) => void;
    register(
      metric(REQUESTS, 'HTTP requests by route and status', 'counter', () =>
        [...this.routes.values()].flatMap((s) =>
          [...s.byStatus].map(([status, value]) => ({ labels: { method: s.method, route: s.route, status: String(status) }, value })),
        ),
      ),
    );
    register(
      metric(DURATION, 'HTTP request duration', 'histogram', () =>
        [...this.routes.values()].flatMap((s) => {
          const labels = { method: s.method, route: s.route };
          const out: MetricValue[] = [];
          let cumulative = 0;
          HTTP_DURATION_BUCKETS.forEach((le, i) => {
            cumulative += s.buckets[i]!;
            out.push({ labels: { le, ...labels }, value: cumulative, metricName: `${DURATION}_bucket` });
          });
          out.push({ labels: { le: '+Inf', ...labels }, value: s.count, metricName: `${DURATION}_bucket` });
          out.push({ labels, value: s.sum, metricName: `${DURATION}_sum` });
          out.push({ labels, value: s.count, metricName: `${DURATION}_count` });
          return out;
        }),
      ),
    );
  }
}
