/**
 * Cluster-wide network definitions for Docker 24+ (no cluster store, {@code Scope: local}).
 *
 * <h2>Design note</h2>
 *
 * <p><b>Why.</b> From Docker 24 on, a legacy plugin's network exists only on the host that created
 * it, the plugin never learns the network's name, and no node-discovery events arrive (protocol
 * notes §2.3, §4.5). javaoverlay therefore keeps the definition itself, in
 * {@code clusternets/<name>} ({@link io.javaoverlay.server.cluster.ClusterKeys}), and every host's
 * {@link io.javaoverlay.server.cluster.NetworkReplicator} makes its own dockerd hold the same
 * network, through the Engine API ({@link io.javaoverlay.server.docker}).
 *
 * <p><b>Identity.</b> The cluster ID is the Docker network ID on the creating host. Other hosts'
 * networks carry it in the driver option {@code javaoverlay.cluster-id}; the vxlan module maps each
 * host's Docker ID onto it ({@code netalias/}), so endpoints, VNI and reconciler see one network.
 *
 * <p><b>Never from a handler.</b> The replicator runs on its own thread. A plugin request handler
 * only writes the store ({@link io.javaoverlay.server.cluster.NetworkReplicator#markDeleting}) or
 * wakes the thread: dockerd may be waiting for that very handler (or still starting), and a call
 * back into it would deadlock.
 *
 * <p><b>Level-triggered.</b> Each pass compares Docker's javaoverlay networks with the records:
 * publish what this host created, create what is missing, remove (when no container is attached)
 * what is being deleted, conflicts with the published definition, or whose record vanished, and
 * delete records no host has any more. Passes run at start, on a Consul watch, after a
 * CreateNetwork (quick re-polls for 3 s, since Docker stores the network only after the call) and
 * every 2 s; failures back off from 1 s to 30 s. Conflicts are decided by the store: the first
 * {@code putIfAbsent} of a name wins, the later definition loses with an ERROR naming what differs.
 */
package io.javaoverlay.server.cluster;
