/**
 * Prometheus metrics with the Prometheus Java client (core + text format; no hand-written
 * exposition). One registry per daemon ({@link io.javaoverlay.server.metrics.Metrics}), fed by:
 * a Jersey filter on the plugin application (calls by endpoint and result, latency), a
 * {@code KvStore} decorator (operations by kind and result, latency), an {@code IpamService}
 * decorator (allocations and releases), a vxlan {@code PassListener} (passes, duration, planned and
 * applied actions, failures, drift, peers), and gauges read at scrape time from feeds (hosts by
 * liveness, pool capacity and use, services ready). Served at {@code /metrics} on the admin socket
 * and, only with {@code --metrics-addr}, on TCP by {@link io.javaoverlay.server.metrics.MetricsHttpServer}.
 * vxlan does not depend on the Prometheus library.
 */
package io.javaoverlay.server.metrics;
