/**
 * The data-plane reconciler: makes this host's kernel match the store, one network at a time.
 *
 * <h2>Data-plane model</h2>
 * Per network, and only while this host has at least one local port in it: a bridge
 * {@code jo-br-<vni>} and a vxlan device {@code jo-vx-<vni>} (VNI, {@code local} = our VTEP,
 * UDP 4789, learning off, proxy on, underlay device set, MTU = the network's MTU) enslaved to it,
 * both up and both with the alias {@code javaoverlay:<networkId>}. Each local endpoint adds a veth
 * pair whose host end ({@code jo-h-<eid8>}, alias {@code javaoverlay:<nid>/<eid>}) sits on the
 * bridge; Docker moves the other end into the container. Each remote endpoint adds, on the vxlan
 * device: a permanent FDB entry MAC → remote VTEP ({@code bridge fdb replace MAC dev jo-vx-N dst VTEP
 * self permanent}), a static bridge entry MAC → vxlan port ({@code bridge fdb replace MAC dev jo-vx-N
 * master static}) and permanent neighbour entries IP → MAC ({@code ip neigh replace ... nud
 * permanent}), IPv4 and IPv6. With proxy on, ARP/ND requests are answered by the vxlan device from
 * the neighbour table; unicast goes straight to the right VTEP: no flooding, no miss handling
 * (flannel's lesson: misses race and leak). Networks are separate bridges and VNIs without IP
 * addresses; egress is Docker's docker_gwbridge.
 *
 * <h2>Broadcast and multicast: opt-in head-end replication</h2>
 * Without flood entries the vxlan device drops broadcast, multicast and unknown unicast, so they stay
 * on the sending host. A network with {@code -o javaoverlay.bum=replicate} gets one all-zero-MAC
 * {@code self} entry per peer VTEP ({@code bridge fdb append 00:00:00:00:00:00 dev jo-vx-N dst VTEP
 * self permanent}), planned from the peers like every other entry (appended after them, removed after
 * them), and {@code flood off} on the vxlan bridge port so unknown unicast is not replicated. ARP and
 * NS never reach the list: {@code proxy} consumes them. Cost and guard: docs/bum-replication.md.
 *
 * <h2>No stale forwarding state (issue 10.6): learning off and a static bridge entry per peer</h2>
 * The bridge learns the source MAC of every frame it receives on a port and keeps it until it ages
 * out (300 s). Frames from remote containers arrive on the vxlan port, so with learning on the bridge
 * kept a remote MAC after the container was removed everywhere else: MACs are derived from IPs, and
 * a new container with a reused address could have its frames sent into that stale entry. Two ways
 * out were weighed:
 * <ul>
 *   <li><i>keep learning and delete the learned entry when the peer goes</i>: races with traffic in
 *       flight (a frame arriving after the delete teaches the entry again), and an entry learned while
 *       this host's plugin was down stays for the ageing time;</li>
 *   <li><b>no learning on the vxlan port</b> ({@code IFLA_BRPORT_LEARNING=0}, {@code bridge link set dev
 *       jo-vx-N learning off}) <b>and a static bridge entry per peer</b>: the bridge never learns (so
 *       never keeps) a remote MAC, and the static entry keeps unicast to known remote MACs from being
 *       flooded to every local port. Withdrawing a peer removes its self entry, its bridge entry and its
 *       neighbours in the same pass; nothing ages, nothing races.</li>
 * </ul>
 * The second is what the planner does. Learning stays on for the host ends (local containers move
 * only with their veth, whose entries go with it). Any dynamic entry found on the vxlan port anyway
 * (learning switched on by hand, a device of the previous release) is removed, or made static when
 * it belongs to a peer; learning is set off whenever the vxlan device is (re)enslaved and checked on
 * every full pass.
 *
 * <h2>Evidence rules</h2>
 * The store plus Docker's view are the truth, but the kernel is torn down only on positive evidence:
 * <ul>
 *   <li><b>Local ports are removed only by explicit local action</b>: DeleteEndpoint, or the cluster
 *       layer's stale-endpoint rule ({@code NetworkService.deleteStaleEndpoint}). A pass never deletes a
 *       host end because its record is absent.</li>
 *   <li><b>The bridge and vxlan device exist exactly while a local port exists</b> (or a Join, on the
 *       network's executor, is creating one): they go with the last port, whatever the store says.</li>
 *   <li><b>Freeze</b>: ports exist but the network record is absent, or the store has no endpoint record
 *       of the network at all (store wiped, wrong prefix, ACL-filtered read): the pass changes nothing,
 *       logs one ERROR per network naming the store and what to do, reports
 *       {@link io.javaoverlay.vxlan.reconcile.ReconcileReport#frozen()}, and converges as usual once the
 *       records are back. A store that cannot be read at all aborts the pass the same way.</li>
 *   <li><b>Peers</b> are the endpoint records of other hosts, minus those of withdrawn (DEAD) hosts
 *       ({@link io.javaoverlay.vxlan.reconcile.Reconcilers#setWithdrawnHosts}); a remote record's removal
 *       (with the network record present) withdraws its entries.</li>
 *   <li>The start-up {@link io.javaoverlay.vxlan.reconcile.GarbageCollector} follows the same rules on
 *       the kernel alone: host ends with an alias stay, unfinished Joins (no alias) go, devices of
 *       networks without ports go. It never asks the store, so an empty store starts no teardown.</li>
 * </ul>
 *
 * <h2>Loop</h2>
 * Level-triggered and single-writer. {@link io.javaoverlay.vxlan.reconcile.Reconcilers} keeps one
 * {@link io.javaoverlay.vxlan.reconcile.NetworkReconciler} per network with state here; each owns a
 * one-thread executor on which passes, Join and DeleteEndpoint run. Triggers (store watch on
 * {@code networks/} and {@code endpoints/}, link events of owned devices, the withdrawn-host set, a
 * periodic resync, start-up) only mark a network dirty; at most one pass is queued, and it lets waiting
 * requests go first. A pass:
 * <ol>
 *   <li>reads the desired state from the store ({@link io.javaoverlay.vxlan.reconcile.DesiredNetwork});
 *       if the store is unreachable the pass aborts and keeps what is programmed;</li>
 *   <li>reads the actual state ({@link io.javaoverlay.vxlan.reconcile.ActualNetwork}): the network's
 *       devices and ports from the {@link io.javaoverlay.vxlan.reconcile.LinkIndex}, the bridge and vxlan
 *       device by name, the FDB and neighbours of the vxlan device only (kernel-filtered dumps), and on a
 *       full pass the vxlan port's learning switch;</li>
 *   <li>runs the pure {@link io.javaoverlay.vxlan.reconcile.Planner#plan} (tables:
 *       {@link io.javaoverlay.vxlan.reconcile.TablePlanner});</li>
 *   <li>applies the actions in order bridge → vxlan → master → up → learning → FDB → neigh (deletes in
 *       reverse) with {@link io.javaoverlay.vxlan.reconcile.Applier}: EEXIST → read back and compare
 *       ({@link io.javaoverlay.vxlan.reconcile.Compat} gives a reason to recreate), NotFound on delete =
 *       success, entries via REPLACE, stale entries removed by diff;</li>
 *   <li>logs one summary line; a pass that did not converge retries after 1 s, doubling to 30 s.</li>
 * </ol>
 *
 * <h2>Bounded work (issue 10.8, issue 14)</h2>
 * No pass dumps every link of the host: the {@link io.javaoverlay.vxlan.reconcile.LinkIndex} is fed
 * by the link-event subscription (one full dump at start, after an event overflow and at every
 * periodic resync), and Join and DeleteEndpoint write their changes through. Store changes and the
 * periodic resync trigger only networks with a device or port here; a reconciler whose network has
 * nothing left in the kernel retires (its executor ends, the map forgets it).
 *
 * <h2>Ownership</h2>
 * Only devices with a {@code javaoverlay:} alias, or without alias but with one of our name shapes,
 * are ever changed or deleted. A device with another alias in the way of one of ours is reported,
 * never removed.
 */
package io.javaoverlay.vxlan.reconcile;
