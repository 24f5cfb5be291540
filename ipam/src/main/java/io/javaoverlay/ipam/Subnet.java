package io.javaoverlay.ipam;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A CIDR block: network address plus prefix length, and the address rules javaoverlay applies to
 * it. Pure value; no store, no I/O.
 *
 * <p>Reserved addresses: an IPv4 block of prefix {@code <= /30} reserves its network and broadcast
 * addresses; {@code /31} and {@code /32} reserve nothing (RFC 3021 point-to-point links). An IPv6
 * block of prefix {@code <= /126} reserves its first address (the Subnet-Router anycast address,
 * RFC 4291 2.6.1; IPv6 has no broadcast); {@code /127} (RFC 6164) and {@code /128} reserve nothing.
 *
 * @param network the first address (host bits zero)
 * @param prefix  prefix length, 0..32 or 0..128
 */
public record Subnet(IpAddress network, int prefix) {

    public Subnet {
        Objects.requireNonNull(network, "network");
        if (prefix < 0 || prefix > network.bits()) {
            throw new IllegalArgumentException("prefix length /" + prefix + " out of range for "
                    + (network.v6() ? "IPv6" : "IPv4"));
        }
        if (!network.value().and(hostMask(network.bits(), prefix)).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException("address " + network + " has host bits set for /" + prefix);
        }
    }

    /**
     * Parses canonical CIDR text ({@code 10.20.0.0/24}, {@code fd00::/64}).
     *
     * @throws IllegalArgumentException naming the text and the problem; a block with host bits
     *                                  set (for example {@code 10.20.0.5/24}) is refused with the
     *                                  canonical form in the message
     */
    public static Subnet parse(String cidr) {
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
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
                || (p.length() > 1 && p.charAt(0) == '0')) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR (bad prefix length)");
        }
        int prefix = Integer.parseInt(p);
        if (prefix > addr.bits()) {
            throw new IllegalArgumentException("'" + cidr + "' has prefix length /" + prefix
                    + ", more than " + addr.bits() + " bits");
        }
        BigInteger masked = addr.value().andNot(hostMask(addr.bits(), prefix));
        if (!masked.equals(addr.value())) {
            throw new IllegalArgumentException("'" + cidr + "' has host bits set; the network is "
                    + new IpAddress(addr.v6(), masked) + "/" + prefix);
        }
        return new Subnet(addr, prefix);
    }

    private static BigInteger hostMask(int bits, int prefix) {
        return BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    }

    public boolean v6() {
        return network.v6();
    }

    /** Number of addresses in the block, {@code 2^(bits-prefix)}. */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(network.bits() - prefix);
    }

    /** Numeric value of the first address. */
    public BigInteger start() {
        return network.value();
    }

    /** Numeric value of the last address. */
    public BigInteger end() {
        return network.value().add(size()).subtract(BigInteger.ONE);
    }

    /** The last address (the IPv4 broadcast address for prefixes up to /30). */
    public IpAddress last() {
        return new IpAddress(v6(), end());
    }

    /** The address at {@code offset} from the network address. */
    public IpAddress at(BigInteger offset) {
        if (offset.signum() < 0 || offset.compareTo(size()) >= 0) {
            throw new IllegalArgumentException("offset " + offset + " outside " + this);
        }
        return new IpAddress(v6(), start().add(offset));
    }

    /** True if {@code ip} is of this family and inside the block. */
    public boolean contains(IpAddress ip) {
        return ip.v6() == v6() && ip.value().compareTo(start()) >= 0 && ip.value().compareTo(end()) <= 0;
    }

    /** True if {@code other} lies entirely inside this block. */
    public boolean contains(Subnet other) {
        return other.v6() == v6() && other.prefix >= prefix && contains(other.network);
    }

    /** True if the two blocks share any address (CIDR blocks either nest or are disjoint). */
    public boolean overlaps(Subnet other) {
        return contains(other) || other.contains(this);
    }

    /** True if {@code ip} is never handed out: the network address, and the IPv4 broadcast address. */
    public boolean isReserved(IpAddress ip) {
        if (!contains(ip)) {
            return false;
        }
        if (v6()) {
            return prefix <= 126 && ip.value().equals(start());
        }
        return prefix <= 30 && (ip.value().equals(start()) || ip.value().equals(end()));
    }

    /** Number of reserved addresses in the block (0, 1 or 2). */
    public int reservedCount() {
        if (v6()) {
            return prefix <= 126 ? 1 : 0;
        }
        return prefix <= 30 ? 2 : 0;
    }

    /** Addresses that may be allocated: size minus reserved. */
    public BigInteger usableCount() {
        return size().subtract(BigInteger.valueOf(reservedCount()));
    }

    /** The first address that may be allocated (the default gateway). */
    public IpAddress firstUsable() {
        return reservedCount() == 0 ? network : at(BigInteger.ONE);
    }

    /** The text form of {@code ip} with this block's prefix length, e.g. {@code 10.20.0.5/24}. */
    public String withPrefix(IpAddress ip) {
        return ip + "/" + prefix;
    }

    /** Canonical CIDR text. */
    @Override
    public String toString() {
        return network + "/" + prefix;
    }
}
