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
 * <p><b>Release, and why deletion is a tombstone.</b> ReleasePool removes one holder. When the
 * last holder goes, one transaction removes the pool from the index and turns its record into a
 * {@code deleting} tombstone; from that commit on, the pool is gone for every reader (requests
 * get PoolNotFound, releases succeed) and every address claim fails its CheckIndex. The
 * addresses still allocated in it are then removed with a prefix delete, and finally the
 * tombstone. This is atomic as observed through the service, which is what the protocol needs
 * (3.4, 3.7: Docker releases addresses before the pool, but rollbacks and crashed hosts leave
 * some behind). A single store transaction cannot do it: a transaction holds at most 64
 * operations and a pool can hold thousands of addresses. If the process dies between the steps,
 * the tombstone stays; the next claim of that subnet, any release of that pool ID, or
 * {@link io.javaoverlay.ipam.KvIpamService#sweepTombstones()} finishes the job. Addresses are
 * keyed by pool ID (with its generation), so finishing an old deletion can never remove the
 * addresses of a newer pool of the same subnet.
 *
 * <p><b>Gateway of a shared pool.</b> ReleaseAddress of the gateway is ignored while the pool has
 * more than one holder: each host's {@code docker network rm} releases the gateway before the
 * pool, and the gateway must stay reserved for the hosts still using the network.
 *
 * <p><b>Limitation.</b> Auxiliary addresses ({@code --aux-address}) cannot be told apart from
 * containers' {@code --ip} requests, so the second host creating the same logical network with
 * the same aux addresses is refused "Address already in use"; give aux addresses on one host
 * only.
 */
package io.javaoverlay.ipam;
