/**
 * IPAM for javaoverlay: cluster-wide pools and addresses kept in the kvstore, behind
 * {@link io.javaoverlay.ipam.IpamService} (plugin-server maps Docker's IpamDriver JSON onto it).
 *
 * <h2>Design note</h2>
 *
 * <p><b>Where state lives.</b> Everything is in the store under {@code ipam/} (layout and pool-ID
 * format in {@link io.javaoverlay.ipam.IpamKeys}); the JVM only caches. A pool ID is the subnet
 * plus a random generation ({@code 10.20.0.0_24_5f3a09c1}), so any host can resolve it with one
 * read, including IDs it never issued (Docker 20.10 with a cluster store sends RequestAddress,
 * ReleaseAddress and ReleasePool to whichever host acts, protocol doc 4.3), and including IDs a
 * previous plugin process issued (5.5).
 *
 * <p><b>Pools.</b> Claimed cluster-wide through one small index record per family, updated by
 * CAS in the same transaction that creates the pool record. Pools are created rarely, so a single
 * CAS key is cheap, and a full list of pools makes the overlap check exact for nested blocks of
 * any size. Overlap with another network's pool is refused naming both (E15). The same subnet for
 * the same logical network ({@code --ipam-opt javaoverlay.network=NAME}) returns the same pool ID
 * and adds a holder (E16); so does exactly the same pool (CIDR and sub-pool) when either request
 * names no network, because on Docker 24+ each host creates its own Docker network for one
 * overlay and a subnet belongs to one network cluster-wide (the network driver then checks that
 * the definitions agree). Without {@code --subnet}, the first subnet of the configured default
 * pools that overlaps nothing is claimed, so each call gets a different one (E17); for a named
 * network that already has a pool, that pool is shared, and a repeat from a host that already
 * holds it (Docker's host-route overlap retry) is refused, because a network has one subnet on
 * every host. Address spaces are labels only: pools are unique per family across both spaces,
 * because overlapping overlays would clash in the routing tables of hosts attached to both.
 *
 * <p><b>Addresses.</b> One key per allocated address, claimed with a transaction
 * {@code [CheckIndex(pool record), PutIfAbsent(address key)]}: the check guarantees the pool was
 * not released meanwhile, and no pool-wide key is written per allocation, so allocators on
 * different hosts only contend when they try the same address. Each host starts its search at a
 * hash of its host id and then walks a per-pool cursor; threads of one JVM never try the same
 * address (a pending set). After a lost claim the cursor jumps to a random point (stepping +1
 * would race the other host for every following address too), and after two lost claims in a
 * row the pool's addresses are listed again. The gateway is recorded in the pool record too (so a re-request of it
 * succeeds, E16, and a container never gets it) and claimed in one transaction with the record.
 *
 * <p><b>Release, and why deletion is a tombstone.</b> ReleasePool removes one holder (whose:
 * below). When the last holder goes, one transaction removes the pool from the index and turns
 * its record into a {@code deleting} tombstone; from that commit on, the pool is gone for every
 * reader (requests get PoolNotFound, releases succeed) and every address claim fails its
 * CheckIndex. The addresses still allocated in it are then removed with a prefix delete, and
 * finally the tombstone. This is atomic as observed through the service, which is what the
 * protocol needs (3.4, 3.7: Docker releases addresses before the pool, but rollbacks and crashed
 * hosts leave some behind). A single store transaction cannot do it: a transaction holds at most
 * 64 operations and a pool can hold thousands of addresses. If the process dies between the
 * steps, the tombstone stays; the next claim of that subnet, any release of that pool ID, or
 * {@link io.javaoverlay.ipam.IpamService#sweepTombstones()} (every reconcile pass) finishes the
 * job. Addresses are keyed by pool ID (with its generation), so finishing an old deletion can
 * never remove the addresses of a newer pool of the same subnet. Every path that removes a
 * holder (ReleasePool, the reconciler's {@code removeHolder}, the dead-host collector's
 * {@code forgetHost}) ends in the same place ({@code PoolHolders.writeHolders}), so a pool is
 * deleted one way only, and the tombstone transaction compares both the record and the index:
 * a host joining the pool meanwhile makes the removal start again, and the pool lives on.
 *
 * <p><b>Whose holder a ReleasePool removes: the scope ({@link io.javaoverlay.ipam.IpamConfig.Scope}).</b>
 * In scope local (Docker 24+, and 20.10 without a cluster store) each host creates its own Docker
 * network and sends its own RequestPool and ReleasePool, so a holder stands for one host's
 * network: ReleasePool removes this host's newest holder, and when this host holds none it does
 * nothing. A repeated ReleasePool can therefore never take another host's holder. In scope global
 * (20.10 cluster store) the network is the cluster's and ReleasePool comes from whichever host
 * runs {@code docker network rm}: this host's holder, else the oldest. For the same reason the
 * dead-host collector removes a host's holders only in scope local.
 *
 * <p><b>Gateway of a shared pool.</b> ReleaseAddress of the gateway frees it only when the pool
 * has a single holder, and in scope local only when that holder is the calling host's: each
 * host's {@code docker network rm} releases the gateway right before the pool, and the gateway
 * must stay reserved while any other network uses the pool, also against a repeated or late
 * release from a host that already left. The pool's deletion removes it in the end.
 *
 * <p><b>Owners, and the repairs (issue 10).</b> Every address claim records its {@code kind}
 * ({@code gateway} or {@code address}), the {@code host} that made it and {@code since}, epoch
 * ms on that host's clock; every holder records host and since the same way. Nothing rewrites a
 * claim or a holder in place (a gateway re-request, a second holder, a re-claim of an existing
 * claim leave them as they were), so {@code since} stays the time of the original request. The
 * endpoint a claim belongs to is not recorded here: vxlan's index keys ({@code eidx/<cid>/ip/<ip>})
 * say which endpoint holds an address. The reconcilers and the collector repair through
 * {@link io.javaoverlay.ipam.IpamService}'s ownership API, and every repair names what it judged:
 * {@code releaseClaim(pool, ip, host, notAfterSince)} deletes a claim only if it is still an
 * {@code address} claim of that host no newer than the limit, with a compare-and-set on the claim,
 * so a claim made anew meanwhile (a late repair, a reallocated address) is never removed;
 * {@code removeHolder(pool, host, notAfterSince)} removes that host's newest holder no newer
 * than the limit, so a network created within the grace period keeps its holder;
 * {@code reclaim} and {@code addHolder} recreate what Docker still uses.
 *
 * <p><b>Idempotency: what the IPAM guarantees alone, and what needs a repair.</b>
 * <ul>
 *   <li>Repeated ReleasePool, or ReleaseAddress of the gateway, from a host that left: harmless
 *       (above). Repeated ReleaseAddress of a free address, ReleasePool of an unknown or older
 *       generation, RequestAddress for a released pool or an older generation: harmless (E13).</li>
 *   <li>A late ReleaseAddress after the address was handed out again cannot be told from a real
 *       one here; the edge ignores it when vxlan's index key shows a live endpoint holding the
 *       address (design-core.md §1).</li>
 *   <li>Retried RequestAddress (a claim nobody uses), lost ReleaseAddress: released by the
 *       reconciler's leaked-address rule through {@code releaseClaim}.</li>
 *   <li>Retried RequestPool (an extra holder; with no {@code --subnet} a whole extra pool), lost
 *       ReleasePool, a RequestPool that arrives after its ReleasePool: removed by the reconciler's
 *       holder rule through {@code removeHolder}; the last one deletes the pool.</li>
 *   <li>A crash half way through a deletion: {@code sweepTombstones}.</li>
 * </ul>
 * The contract tests ({@code IpamIdempotencyContract}) run these sequences on every backend.
 *
 * <p><b>Limitations.</b> Two holders of one host are interchangeable: with a swarm manager and
 * worker on one host (two holders), a repeated ReleasePool there removes the holder the other
 * network still needs, and if it was the last one the pool is deleted. Auxiliary addresses
 * ({@code --aux-address}) are {@code address} claims of the creating host; the reconciler and
 * the collector must keep a network's aux addresses themselves.
 *
 * <p>Auxiliary addresses ({@code --aux-address}) cannot be told apart from
 * containers' {@code --ip} requests, so the second host creating the same logical network with
 * the same aux addresses is refused "Address already in use"; give aux addresses on one host
 * only.
 */
package io.javaoverlay.ipam;
