package io.javaoverlay.types;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An address with a prefix length: an interface address such as {@code 10.20.0.5/24} (host bits
 * kept as given), or a block such as the pool {@code 10.20.0.0/24} (host bits zero,
 * {@link #isNetwork()}). The one prefix type of javaoverlay: Docker's pools, gateways and endpoint
 * addresses, the IPAM's arithmetic and the kernel's addresses and routes all use it.
 *
 * <p>Block arithmetic ({@link #start()}, {@link #end()}, {@link #size()}, {@link #contains},
 * {@link #overlaps}) applies to the block the prefix lies in, so {@code 10.20.0.5/24} contains
 * {@code 10.20.0.200}.
 *
 * <p>Reserved addresses (the IPAM's rule): an IPv4 block of prefix {@code <= /30} reserves its
 * network and broadcast addresses; {@code /31} and {@code /32} reserve nothing (RFC 3021
 * point-to-point links). An IPv6 block of prefix {@code <= /126} reserves its first address (the
 * Subnet-Router anycast address, RFC 4291 2.6.1; IPv6 has no broadcast); {@code /127} (RFC 6164)
 * and {@code /128} reserve nothing.
 *
 * @param address      the address as given (host bits may be set)
 * @param prefixLength 0..32 or 0..128
 */
public record IpPrefix(IpAddress address, int prefixLength) {

    public IpPrefix {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > address.bits()) {
            throw new IllegalArgumentException("prefix length /" + prefixLength + " out of range for "
                    + (address.v6() ? "IPv6" : "IPv4"));
        }
    }

    /** The full-length prefix of one address ({@code /32} or {@code /128}). */
    public static IpPrefix host(IpAddress address) {
        return new IpPrefix(address, address.bits());
    }

    /**
     * Parses strict CIDR text, {@code ADDRESS/LENGTH} ({@code 10.20.0.5/24}, {@code fd00::5/64}):
     * the address as {@link IpAddress#parse}, the length in decimal without sign or leading zeros.
     * Host bits are kept.
     *
     * @throws IllegalArgumentException naming the text and the problem
     */
    public static IpPrefix parse(String cidr) {
        if (cidr == null || cidr.isBlank()) {
            throw new IllegalArgumentException("empty CIDR");
        }
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR (missing /prefix)");
        }
        IpAddress addr = IpAddress.tryParse(cidr.substring(0, slash)).orElseThrow(() ->
                new IllegalArgumentException("'" + cidr + "' is not a CIDR (bad address)"));
        String p = cidr.substring(slash + 1);
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                || (p.length() > 1 && p.charAt(0) == '0')) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR (bad prefix length)");
        }
        int prefix = Integer.parseInt(p);
        if (prefix > addr.bits()) {
            throw new IllegalArgumentException("'" + cidr + "' has prefix length /" + prefix
                    + ", more than " + addr.bits() + " bits");
        }
        return new IpPrefix(addr, prefix);
    }

    /**
     * Parses a block: {@link #parse} that also refuses host bits.
     *
     * @throws IllegalArgumentException naming the text and the problem; a block with host bits
     *                                  set (for example {@code 10.20.0.5/24}) is refused with the
     *                                  canonical form in the message
     */
    public static IpPrefix parseNetwork(String cidr) {
        IpPrefix p = parse(cidr);
        if (!p.isNetwork()) {
            throw new IllegalArgumentException("'" + cidr + "' has host bits set; the network is " + p.network());
        }
        return p;
    }

    private static BigInteger hostMask(int bits, int prefix) {
        return BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    }

    private BigInteger hostMask() {
        return hostMask(address.bits(), prefixLength);
    }

    /** True for IPv6. */
    public boolean v6() {
        return address.v6();
    }

    /** True when the host bits are zero: the prefix names a block, not an address in it. */
    public boolean isNetwork() {
        return address.value().and(hostMask()).signum() == 0;
    }

    /** The block this prefix lies in (host bits cleared), e.g. {@code 10.20.0.0/24} for {@code 10.20.0.5/24}. */
    public IpPrefix network() {
        return isNetwork() ? this : new IpPrefix(networkAddress(), prefixLength);
    }

    /** The first address of the block (host bits cleared). */
    public IpAddress networkAddress() {
        return new IpAddress(v6(), start());
    }

    /** Number of addresses in the block, {@code 2^(bits-prefix)}. */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(address.bits() - prefixLength);
    }

    /** Numeric value of the first address of the block. */
    public BigInteger start() {
        return address.value().andNot(hostMask());
    }

    /** Numeric value of the last address of the block. */
    public BigInteger end() {
        return start().add(size()).subtract(BigInteger.ONE);
    }

    /** The last address of the block (the IPv4 broadcast address for prefixes up to /30). */
    public IpAddress last() {
        return new IpAddress(v6(), end());
    }

    /** The address at {@code offset} from the start of the block. */
    public IpAddress at(BigInteger offset) {
        if (offset.signum() < 0 || offset.compareTo(size()) >= 0) {
            throw new IllegalArgumentException("offset " + offset + " outside " + network());
        }
        return new IpAddress(v6(), start().add(offset));
    }

    /** True if {@code ip} is of this family and inside the block. */
    public boolean contains(IpAddress ip) {
        return ip.v6() == v6() && ip.value().compareTo(start()) >= 0 && ip.value().compareTo(end()) <= 0;
    }

    /** True if the block of {@code other} lies entirely inside this block. */
    public boolean contains(IpPrefix other) {
        return other.v6() == v6() && other.prefixLength >= prefixLength && contains(other.networkAddress());
    }

    /** True if the two blocks share any address (CIDR blocks either nest or are disjoint). */
    public boolean overlaps(IpPrefix other) {
        return contains(other) || other.contains(this);
    }

    /** True if {@code ip} is never handed out: the network address, and the IPv4 broadcast address. */
    public boolean isReserved(IpAddress ip) {
        if (!contains(ip)) {
            return false;
        }
        if (v6()) {
            return prefixLength <= 126 && ip.value().equals(start());
        }
        return prefixLength <= 30 && (ip.value().equals(start()) || ip.value().equals(end()));
    }

    /** Number of reserved addresses in the block (0, 1 or 2). */
    public int reservedCount() {
        if (v6()) {
            return prefixLength <= 126 ? 1 : 0;
        }
        return prefixLength <= 30 ? 2 : 0;
    }

    /** Addresses that may be allocated: size minus reserved. */
    public BigInteger usableCount() {
        return size().subtract(BigInteger.valueOf(reservedCount()));
    }

    /** The first address that may be allocated (the default gateway). */
    public IpAddress firstUsable() {
        return reservedCount() == 0 ? networkAddress() : at(BigInteger.ONE);
    }

    /** {@code ip} with this prefix length, e.g. {@code 10.20.0.5/24} for {@code 10.20.0.5} in {@code 10.20.0.0/24}. */
    public IpPrefix withAddress(IpAddress ip) {
        return new IpPrefix(ip, prefixLength);
    }

    /** Canonical CIDR text: {@code ADDRESS/LENGTH} with the address as given. */
    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
