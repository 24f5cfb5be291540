/**
 * The Consul backend ({@link io.javaoverlay.kvstore.consul.ConsulKvStore}); the only package that
 * sees Ecwid consul-api types.
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li><b>Calls.</b> {@code ConsulCalls} sends each request through {@code ConsulHttp} (the JDK's
 *       HttpURLConnection), with Ecwid's {@code QueryParams}/{@code PutParams} for the query string:
 *       get, put, CAS ({@code ?cas=}; 0 = create only), lock acquisition ({@code ?acquire=}),
 *       delete, recursive delete, sessions, {@code /v1/txn} and the agent/catalog endpoints.
 *       {@code ConsulListing} streams recursive listings and blocking watches (millisecond
 *       {@code wait=}) through Jackson. Delete-if-index is a txn of {@code check-index} +
 *       {@code delete}: Consul's own {@code ?cas=} delete answers true for a missing key. See
 *       {@code ConsulTxn} for the txn mapping rules.</li>
 *   <li><b>Why not Ecwid's client.</b> Ecwid's {@code ConsulRawClient} builds, in its class
 *       initialiser, a default Apache HttpClient with a TLS context and Apache's public-suffix list
 *       that nothing uses (about 8 MB of the daemon's RSS), and Apache HttpClient itself costs about
 *       1.5 MB more than the JDK's client. Measured at 1000 endpoints: BENCHMARKS.md, "1000
 *       endpoints with Consul as the store".</li>
 *   <li><b>Token.</b> Never a URL parameter: every request carries it in {@code X-Consul-Token}.</li>
 *   <li><b>Timeouts.</b> Two clients: ordinary calls (connect 2 s, read = request timeout) and
 *       watches (read timeout above the longest wait plus Consul's wait/16 jitter). Kept-alive
 *       connections are reused (the JDK's keep-alive cache). No retried writes: every PUT is sent in
 *       fixed-length streaming mode, which the JDK never re-sends (a retried CAS PUT could report a
 *       conflict for a write that succeeded).</li>
 *   <li><b>Errors.</b> A call that gets no answer is StoreUnavailableException ({@code ConsulCalls},
 *       {@code ConsulListing}); {@code ConsulErrors} judges the answers: 5xx and 429 are
 *       StoreUnavailableException, {@code false} write answers CasConflictException, "invalid
 *       session" LeaseExpiredException.</li>
 *   <li><b>Watch indexes</b> follow Consul's blocking-query rules: X-Consul-Index 0 counts as 1,
 *       an index below the one sent means reset (resync=true), an unchanged index before the
 *       deadline is an early wake-up and the wait continues.</li>
 *   <li><b>Leases</b> are sessions with Behavior=delete, LockDelay=0 and a TTL clamped to
 *       Consul's 10 s..24 h. Consul invalidates a session only after up to 2×TTL.</li>
 * </ul>
 */
package io.javaoverlay.kvstore.consul;
