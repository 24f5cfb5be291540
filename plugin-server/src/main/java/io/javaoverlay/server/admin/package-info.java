/**
 * The operator's admin interface: a second Jersey application on its own Unix socket
 * ({@code --admin-socket}, default {@code /run/javaoverlay/admin.sock}).
 *
 * <p><b>Isolation from Docker's socket.</b> {@link io.javaoverlay.server.admin.AdminServer} reuses
 * the UDS server classes of {@code server.uds} with its own Grizzly transport and worker pool
 * ({@code admin-worker}, 1..4 threads), so a slow admin call (a store listing, a Docker lookup)
 * never takes a worker from the plugin socket. Store-dependent answers come from
 * {@code server.status}; gauges that need store reads are refreshed in the background by
 * {@link io.javaoverlay.server.admin.MetricFeeds}, never on a scrape.
 *
 * <p><b>Root only.</b> The socket's directory is created 0700 and the socket is 0600; on top of
 * that every accepted connection's peer credentials ({@code SO_PEERCRED}) must be the daemon's own
 * user, or it is closed before a byte is read. No TCP port is opened here; the only TCP listener
 * the daemon may have is {@code --metrics-addr}.
 *
 * <p><b>API.</b> {@code GET /v1/status}, {@code /v1/networks}, {@code /v1/networks/{nameOrId}},
 * {@code /v1/ipam/pools}, {@code /v1/hosts}; {@code POST /v1/ipam/release} {@code {"address":IP}};
 * {@code POST /v1/hosts/{id}/forget[?force=true]}; {@code GET /metrics}. JSON shapes are the
 * records of {@link io.javaoverlay.server.status.StatusModel}; failures are
 * {@code {"error": "..."}} with 400, 404, 409 (refused) or 503 (store not ready).
 */
package io.javaoverlay.server.admin;
