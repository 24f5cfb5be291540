/**
 * Container names across hosts: a DNS resolver for Docker's embedded resolver to forward to.
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li><b>Flow.</b> daemon.json {@code "dns": [HOST_IP]} makes Docker's 127.0.0.11 forward every
 *       name it does not know to {@link io.javaoverlay.server.dns.DnsServer} on HOST_IP:53, dialled
 *       from the container's network namespace (moby {@code Resolver.dialExtDNS}; overrides are
 *       never HostLoopback in 20.10, 26 or 28), so the source address is the container's
 *       docker_gwbridge address.</li>
 *   <li><b>Records.</b> One {@link io.javaoverlay.server.dns.NameRecord} per endpoint at
 *       {@code names/<hostId>/<endpointId>} ({@link io.javaoverlay.server.dns.NameKeys}), written
 *       only by the owning host ({@link io.javaoverlay.server.dns.NamePublisher}, fed by the Docker
 *       watcher), read by every host into a {@link io.javaoverlay.server.dns.NameTable}
 *       ({@link io.javaoverlay.server.dns.NameWatcher}: snapshot, then deltas by modify index).</li>
 *   <li><b>Scoping.</b> {@link io.javaoverlay.server.dns.LocalContainers} maps the source address
 *       to a local container and its cluster networks; only their names are answered. Unknown
 *       names and sources are relayed to the upstreams: never NXDOMAIN for a name we do not hold.</li>
 *   <li><b>Isolation from the plugin socket.</b> Own threads, a bounded UDP queue, a token bucket
 *       per source, a cap on forwards in flight (REFUSED beyond), bounded TCP sessions. dnsjava does
 *       all wire parsing; anything it rejects gets FORMERR, responses and runts get nothing.</li>
 * </ul>
 * User documentation: {@code docs/names-and-services.md}.
 */
package io.javaoverlay.server.dns;
