import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { HTTP_DURATION_BUCKETS, HttpMetrics } from '../../src/service/httpMetrics.js';

const observations: [string, string, number, number][] = [
  ['GET', '/get_instance_status', 200, 0.0004],
  ['GET', '/get_instance_status', 200, 0.001], // on a bucket bound: counted in that bucket
  ['GET', '/get_instance_status', 404, 0.0031],
  ['POST', '/submit_bid', 201, 0.04],
  ['POST', '/submit_bid', 422, 7], // above every bound: only +Inf
  ['GET', 'unmatched', 404, 0.00001],
];

const lines = (text: string) => text.split('\n').filter((l) => l !== '').sort();

describe('HttpMetrics', () => {
  it('exposes exactly what prom-client would for the same observations', async () => {
    const ours = new Registry();
    const http = new HttpMetrics();
    http.register(ours);
    const reference = new Registry();
    const requests = new Counter({
      name: 'parley_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [reference],
    });
    const duration = new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [...HTTP_DURATION_BUCKETS],
      registers: [reference],
    });
    for (const [method, route, status, seconds] of observations) {
      http.observe(method, route, status, seconds);
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    }
    const text = await ours.metrics();
    expect(lines(text)).toEqual(lines(await reference.metrics()));
    expect(text).toContain('parley_http_requests_total{method="GET",route="/get_instance_status",status="200"} 2');
    expect(text).toContain('parley_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/get_instance_status"} 2');
  });
});
