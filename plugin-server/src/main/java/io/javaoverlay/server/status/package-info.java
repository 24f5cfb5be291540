/**
 * What {@code javaoverlay status} and the other admin calls report, assembled from interfaces so
 * that the new cluster core can replace today's implementations one by one:
 * <ul>
 *   <li>{@link io.javaoverlay.server.status.HostsSource}: hosts and liveness. Today
 *       {@link io.javaoverlay.server.status.StoreHosts} ({@code hosts/} registrations, endpoint
 *       owners, aliases); {@link io.javaoverlay.server.status.MembershipHosts} adapts the membership
 *       component (and feeds the dead-host metrics) for when the core wires it.</li>
 *   <li>{@link io.javaoverlay.server.status.DriftSource}: per network, the store's FDB/neighbour
 *       entries against the kernel. Today {@link io.javaoverlay.server.status.ReconcilerDrift}
 *       (vxlan's read-only {@code DriftCheck} over the reconcilers).</li>
 *   <li>{@link io.javaoverlay.server.status.DockerNames}: network and container names from this
 *       host's Docker. Today {@link io.javaoverlay.server.status.LocalDocker} (Engine API on demand);
 *       {@link io.javaoverlay.server.status.DockerViewNames} adapts the Docker-events view.</li>
 *   <li>{@link io.javaoverlay.server.status.HostForgetter}: {@code host forget}. Today
 *       {@link io.javaoverlay.server.status.StoreHostForgetter} (owning modules' store APIs); meant
 *       to be the dead-host collector.</li>
 * </ul>
 * The wiring attaches them ({@link io.javaoverlay.server.status.AdminWiring}) into an
 * {@link io.javaoverlay.server.status.AdminContext}; {@link io.javaoverlay.server.status.HealthRules}
 * decides healthy or degraded; {@link io.javaoverlay.server.status.ConfigView} shows the running
 * configuration with secrets masked; {@link io.javaoverlay.server.status.RecentErrors} keeps the
 * last WARNING/ERROR log lines.
 */
package io.javaoverlay.server.status;
