/**
 * Everything cluster-wide, in one place: who the hosts are and whether they live, which Docker
 * network is which cluster network, the replication of network definitions, the reconciliation of
 * this host's records against its Docker, and the collection of dead hosts.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Principle.</b> The store plus Docker's own view are the truth; every host converges to them,
 * and no single lost, repeated or out-of-order message leaves the cluster wrong for longer than one
 * resync ({@code --resync-interval}). Deletion needs positive evidence: an explicit local action, or
 * Docker's own (complete) view showing that nothing uses a thing. Absence in the store never removes
 * anything; an empty read is not evidence, and neither is an empty Docker view.
 *
 * <p><b>The parts and their threads.</b>
 * <ul>
 *   <li>{@link io.javaoverlay.server.cluster.ClusterService} / {@link io.javaoverlay.server.cluster.OverlayClusterService}:
 *       the edge the plugin resources call (request threads). It resolves the cluster network once per
 *       call ({@link io.javaoverlay.server.cluster.NetworkIdentity}: a cache, one alias read on a miss) and
 *       calls the overlay and the IPAM with typed values. ReleaseAddress is guarded
 *       ({@link io.javaoverlay.server.cluster.ReleaseGuard}).</li>
 *   <li>{@link io.javaoverlay.server.cluster.Membership} ({@code jo-membership}, probes on
 *       {@code jo-membership-probe}, listeners on {@code jo-membership-notify}): the one host listing.
 *       Its DEAD set goes to the overlay (peers withdrawn), the VTEPs of the others to the firewall's
 *       VXLAN ingress filter; status and metrics read it.</li>
 *   <li>{@link io.javaoverlay.server.docker.DockerView} ({@code jo-docker-view}): this host's Docker,
 *       from the events stream and a periodic listing; shared by the endpoint reconciler, the
 *       replicator and the status' names.</li>
 *   <li>{@link io.javaoverlay.server.cluster.EndpointReconciler} ({@code jo-endpoints}): this host's
 *       endpoint records, address claims and pool holders against Docker's view.</li>
 *   <li>{@link io.javaoverlay.server.cluster.NetworkReplicator} ({@code jo-replicator},
 *       {@code jo-replicator-watch}): Docker 24+ only, see below.</li>
 *   <li>{@link io.javaoverlay.server.cluster.DeadHostCollector} ({@code jo-dead-hosts}): collects hosts
 *       DEAD for {@code --dead-host-retention}, on the lowest ALIVE host.</li>
 * </ul>
 * No part calls Docker from a plugin handler: dockerd may be waiting for that very handler.
 *
 * <p><b>Key layout</b> ({@link io.javaoverlay.server.cluster.ClusterKeys}): {@code hosts/<hostId>}
 * (heartbeat records), {@code netalias/<hostId>/<dockerNetworkId>} (this host's Docker network is that
 * cluster network), {@code clusternets/<name>} (replicated definitions). An alias is written and
 * deleted in one transaction with a compare-and-set on the cluster network's record, and the last
 * alias's removal deletes the record in the same transaction, so no network is left without a host
 * and none is deleted while a host joins.
 *
 * <p><b>Replication (Docker 24+).</b> From Docker 24 on, a legacy plugin's network exists only on
 * the host that created it, the plugin never learns the network's name, and no node-discovery events
 * arrive. javaoverlay therefore keeps the definition itself, in {@code clusternets/<name>}, and every
 * host's replicator makes its own dockerd hold the same network through the Engine API
 * ({@link io.javaoverlay.server.docker}). The cluster ID is the Docker network ID on the creating host;
 * other hosts' networks carry it in the driver option {@code javaoverlay.cluster-id}, and their alias
 * maps their Docker ID onto it. Each pass compares Docker's networks with the records: publish what this
 * host created, create what is missing, remove (when no container is attached) what is being deleted,
 * conflicts with the published definition, or whose record vanished, and delete records no host has any
 * more. Passes run at start, on Docker's network events (through the Docker view), on a store watch of
 * {@code clusternets/}, after a CreateNetwork or DeleteNetwork here, and every resync. A network this
 * host removes is never created again by a pass that read its record before the removal: Docker hides a
 * network it removes before it calls DeleteNetwork, so a network with an alias here that Docker does not
 * list is not created, and one this host's DeleteNetwork removed is remembered. Conflicts are decided
 * by the store: the first {@code putIfAbsent} of a name wins, the later definition loses with an ERROR
 * naming what differs. A removal waits for the hosts that still have an alias; a dead host's aliases
 * go when it is collected.
 */
package io.javaoverlay.server.cluster;
