/**
 * The cluster layer's pieces that still live in vxlan, all deprecated: they move to plugin-server's
 * {@code server.cluster}, which resolves Docker's network IDs at the edge and calls the cluster-ID
 * {@link io.javaoverlay.vxlan.NetworkService} directly.
 *
 * <p>{@link io.javaoverlay.vxlan.cluster.NetworkIdentity}: with Docker 24+ ({@code Scope: local})
 * each host's {@code docker network create} yields its own Docker network ID; the overlay is keyed
 * by a cluster ID (the first host's ID) and each host records an alias onto it. A CreateNetwork
 * joins an existing cluster network when it names it ({@code javaoverlay.cluster-id}) or has one of
 * its pools (a subnet is one network cluster-wide), after checking that the definitions agree. The
 * overlay (VNI) goes with the last host's DeleteNetwork.
 * {@link io.javaoverlay.vxlan.cluster.LegacyDockerIdDriver} puts it in front of the service for the
 * plugin's resources until they call the cluster layer.
 *
 * <p>{@link io.javaoverlay.vxlan.cluster.HostRegistry}: each host keeps {@code hosts/<hostId>} on a
 * liveness lease, so membership comes from the store, not from Docker.
 */
package io.javaoverlay.vxlan.cluster;
