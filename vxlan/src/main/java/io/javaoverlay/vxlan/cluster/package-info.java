/**
 * Cluster identity and membership for the overlay.
 *
 * <p>{@link io.javaoverlay.vxlan.cluster.NetworkIdentity}: with Docker 24+ ({@code Scope: local})
 * each host's {@code docker network create} yields its own Docker network ID; the overlay is keyed
 * by a cluster ID (the first host's ID) and each host records an alias onto it. A CreateNetwork
 * joins an existing cluster network when it names it ({@code javaoverlay.cluster-id}) or has one of
 * its pools (a subnet is one network cluster-wide), after checking that the definitions agree. The
 * overlay (VNI, endpoints) goes with the last host's DeleteNetwork.
 *
 * <p>{@link io.javaoverlay.vxlan.cluster.HostRegistry}: each host keeps {@code hosts/<hostId>} on a
 * liveness lease, so membership comes from the store, not from Docker.
 */
package io.javaoverlay.vxlan.cluster;
