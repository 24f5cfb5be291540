package io.javaoverlay.ipam;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;

/**
 * Pure search for a free address: no store, no state. The allocator feeds it the addresses it
 * knows to be taken and a start point, and claims the result in the store; if the claim loses a
 * race it adds the address to the taken set and asks again.
 *
 * <p>Why a start point: every host starts its search at an offset derived from its host id, and
 * each JVM then walks forward with a cursor, so hosts rarely try to claim the same address and
 * threads of one host never do. That keeps contention per address key, not per pool.
 */
public final class AddressPicker {

    private AddressPicker() {
    }

    /**
     * The first allocatable address at or after {@code from} in {@code range} (wrapping around to
     * the start of the range once), skipping addresses reserved by {@code pool} and those in
     * {@code taken}.
     *
     * @param pool  the master pool whose reservation rules apply
     * @param range where to search: the pool itself or its sub-pool
     * @param taken numeric values of addresses already allocated
     * @param from  where to start; clamped into the range
     * @return empty if every address of the range is reserved or taken
     */
    public static Optional<IpAddress> nextFree(IpPrefix pool, IpPrefix range, Set<BigInteger> taken, BigInteger from) {
        BigInteger start = range.start();
        BigInteger end = range.end();
        BigInteger cur = from.compareTo(start) < 0 || from.compareTo(end) > 0 ? start : from;
        // Each step either lands on a free address or on one that is reserved or taken, so the
        // loop ends within taken.size() + reserved + 1 steps, even for a /64.
        BigInteger steps = range.size();
        for (BigInteger i = BigInteger.ZERO; i.compareTo(steps) < 0; i = i.add(BigInteger.ONE)) {
            IpAddress ip = new IpAddress(range.v6(), cur);
            if (!pool.isReserved(ip) && !taken.contains(cur)) {
                return Optional.of(ip);
            }
            cur = cur.equals(end) ? start : cur.add(BigInteger.ONE);
        }
        return Optional.empty();
    }

    /**
     * Number of addresses of {@code range} that may ever be allocated: its size minus the
     * addresses {@code pool} reserves inside it.
     */
    public static BigInteger usableCount(IpPrefix pool, IpPrefix range) {
        BigInteger n = range.size();
        if (pool.isReserved(range.networkAddress())) {
            n = n.subtract(BigInteger.ONE);
        }
        if (range.prefixLength() < range.address().bits() && pool.isReserved(range.last())) {
            n = n.subtract(BigInteger.ONE);
        }
        return n;
    }

    /**
     * A stable start point for {@code hostId} inside {@code range}: the network address plus a
     * hash of the host id modulo the range size. Different hosts thus begin their searches far
     * apart, and the same host begins at the same place after a restart.
     */
    public static BigInteger hostStart(String hostId, IpPrefix range) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(hostId.getBytes(StandardCharsets.UTF_8));
            BigInteger h = new BigInteger(1, digest);
            return range.start().add(h.mod(range.size()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
