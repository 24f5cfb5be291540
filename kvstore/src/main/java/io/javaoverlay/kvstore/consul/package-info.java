/**
 * The Consul backend ({@link io.javaoverlay.kvstore.consul.ConsulKvStore}); the only package that
 * sees Ecwid consul-api or Apache HttpClient types.
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li><b>Typed Ecwid calls</b> for get, recursive list, put, CAS ({@code ?cas=}; 0 = create
 *       only), lock acquisition ({@code ?acquire=}), delete, recursive delete and sessions.
 *       <b>Raw calls</b> (Ecwid's ConsulRawClient) for what Ecwid lacks: {@code /v1/txn} and
 *       blocking listings with millisecond {@code wait=}. Delete-if-index is a txn of
 *       {@code check-index} + {@code delete}: Consul's own {@code ?cas=} delete answers true for
 *       a missing key. See {@code ConsulTxn} for the txn mapping rules.</li>
 *   <li><b>Token.</b> Never a URL parameter and never passed to Ecwid. A request interceptor on
 *       our HttpClient sets {@code X-Consul-Token} on every request, replacing the empty header
 *       that Ecwid's Request-based calls add (it would otherwise shadow a default header).</li>
 *   <li><b>Timeouts.</b> Two HttpClients with their own pools: ordinary calls (connect 2 s, read
 *       = request timeout) and watches (read timeout above the longest wait plus Consul's
 *       wait/16 jitter). No automatic retries: a retried CAS PUT could report a conflict for a
 *       write that succeeded. Pooled connections idle for 500 ms are validated before reuse.</li>
 *   <li><b>Errors</b> are translated in {@code ConsulErrors} only: transport failures, 5xx and 429
 *       are StoreUnavailableException; {@code false} write answers are CasConflictException;
 *       "invalid session" is LeaseExpiredException.</li>
 *   <li><b>Watch indexes</b> follow Consul's blocking-query rules: X-Consul-Index 0 counts as 1,
 *       an index below the one sent means reset (resync=true), an unchanged index before the
 *       deadline is an early wake-up and the wait continues.</li>
 *   <li><b>Leases</b> are sessions with Behavior=delete, LockDelay=0 and a TTL clamped to
 *       Consul's 10 s..24 h. Consul invalidates a session only after up to 2×TTL.</li>
 * </ul>
 */
package io.javaoverlay.kvstore.consul;
