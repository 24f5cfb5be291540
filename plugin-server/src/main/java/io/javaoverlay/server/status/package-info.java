/**
 * What {@code javaoverlay status} and the other admin calls report, assembled from interfaces
 * implemented by the cluster package's parts:
 * <ul>
 *   <li>{@link io.javaoverlay.server.status.HostsSource}: hosts and liveness:
 *       {@link io.javaoverlay.server.status.MembershipHosts} on the membership (heartbeats, ICMP
 *       second opinion), which also feeds the dead-host metrics.</li>
 *   <li>{@link io.javaoverlay.server.status.DriftSource}: per network, the store's FDB/neighbour
 *       entries against the kernel. Today {@link io.javaoverlay.server.status.ReconcilerDrift}
 *       (vxlan's read-only {@code DriftCheck} over the reconcilers).</li>
 *   <li>{@link io.javaoverlay.server.status.DockerNames}: network and container names from this
 *       host's Docker: {@link io.javaoverlay.server.status.DockerViewNames}, from the Docker-events
 *       view's cache (no Engine API call per admin request).</li>
 *   <li>{@link io.javaoverlay.server.status.HostForgetter}: {@code host forget}:
 *       {@link io.javaoverlay.server.status.CollectorForgetter}, the dead-host collector on demand.</li>
 * </ul>
 * The wiring attaches them ({@link io.javaoverlay.server.status.AdminWiring}) into an
 * {@link io.javaoverlay.server.status.AdminContext}; {@link io.javaoverlay.server.status.HealthRules}
 * decides healthy or degraded; {@link io.javaoverlay.server.status.ConfigView} shows the running
 * configuration with secrets masked; {@link io.javaoverlay.server.status.RecentErrors} keeps the
 * last WARNING/ERROR log lines.
 */
package io.javaoverlay.server.status;
