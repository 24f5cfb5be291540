/**
 * The data-plane reconciler: makes this host's kernel match the store, one network at a time.
 *
 * <h2>Data-plane model</h2>
 * Per network, and only while this host has at least one local endpoint in it (lazy, like
 * Docker's overlay): a bridge {@code jo-br-<vni>} and a vxlan device {@code jo-vx-<vni>}
 * (VNI, {@code local} = our VTEP, UDP 4789, learning off, proxy on, underlay device set,
 * MTU = container MTU) enslaved to it, both up and both with the alias
 * {@code javaoverlay:<networkId>}. Each local endpoint adds a veth pair whose host end
 * ({@code jo-h-<eid8>}, alias {@code javaoverlay:<nid>/<eid>}) sits on the bridge; Docker moves the
 * other end into the container. Each remote endpoint adds two permanent entries on the vxlan
 * device: FDB MAC → remote VTEP ({@code bridge fdb replace ... self permanent}) and neighbour
 * IP → MAC ({@code ip neigh replace ... nud permanent}), IPv4 and IPv6. With learning off and
 * proxy on, ARP/ND requests are answered by the vxlan device from the neighbour table and unicast
 * frames go straight to the right VTEP: no flooding, no miss handling (flannel's lesson: misses
 * race and leak). Networks are separate bridges and VNIs without IP addresses, so they cannot
 * reach each other; egress is Docker's docker_gwbridge (Join returns no gateway).
 *
 * <h2>Loop</h2>
 * Level-triggered and single-writer. {@link io.javaoverlay.vxlan.reconcile.Reconcilers} keeps one
 * {@link io.javaoverlay.vxlan.reconcile.NetworkReconciler} per network; each owns a one-thread
 * executor on which passes, Join and DeleteEndpoint run. Triggers (store watch on
 * {@code networks/} and {@code endpoints/}, link events on owned devices, a periodic resync,
 * start-up) only mark a network dirty; at most one pass is queued. A pass:
 * <ol>
 *   <li>reads desired state from the store ({@link io.javaoverlay.vxlan.reconcile.DesiredNetwork});
 *       if the store is unreachable the pass aborts and keeps what is programmed;</li>
 *   <li>dumps actual state: links carrying the network's alias or names, FDB and neighbours of
 *       its vxlan device ({@link io.javaoverlay.vxlan.reconcile.ActualNetwork});</li>
 *   <li>runs the pure {@link io.javaoverlay.vxlan.reconcile.Planner#plan};</li>
 *   <li>applies the actions in order bridge → vxlan → master → up → FDB → neigh (deletes in
 *       reverse) with {@link io.javaoverlay.vxlan.reconcile.Applier}: EEXIST → read back and
 *       compare ({@link io.javaoverlay.vxlan.reconcile.Compat} gives a reason to recreate),
 *       NotFound on delete = success, entries via REPLACE, stale entries removed by diff;</li>
 *   <li>logs one summary line; a pass that did not converge retries after 1 s, doubling to 30 s.</li>
 * </ol>
 *
 * <h2>Ownership</h2>
 * Only devices with a {@code javaoverlay:} alias, or without alias but with one of our name
 * shapes, are ever changed or deleted. A device with another alias in the way of one of ours is
 * reported, never removed. At start-up {@link io.javaoverlay.vxlan.reconcile.GarbageCollector}
 * removes owned devices of deleted networks and host ends of endpoints that left this host.
 */
package io.javaoverlay.vxlan.reconcile;
