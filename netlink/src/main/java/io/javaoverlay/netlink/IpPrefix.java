package io.javaoverlay.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An address with a prefix length, as in {@code 10.0.0.5/24} (interface address) or
 * {@code 10.0.0.0/24} (route destination). The host bits are kept as given.
 */
public record IpPrefix(InetAddress address, int prefixLength) {
    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + max);
        }
    }

    /** Parses {@code ADDR/LEN} or a bare address (full-length prefix). Literal addresses only, no DNS. */
    public static IpPrefix parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        InetAddress a = parseAddress(addr);
        int len = a instanceof Inet4Address ? 32 : 128;
        if (slash >= 0) {
            try {
                len = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid prefix length in '" + text + "'", e);
            }
        }
        return new IpPrefix(a, len);
    }

    /** Parses a literal IPv4 or IPv6 address without any DNS lookup. */
    public static InetAddress parseAddress(String text) {
        String s = text.trim();
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("invalid IP address '" + text + "'");
        }
        if (v4) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException("invalid IP address '" + text + "'");
                }
            }
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid IP address '" + text + "'", e);
        }
    }

    /** IPv4 or IPv6, from the address. */
    public Family family() {
        return address instanceof Inet4Address ? Family.INET : Family.INET6;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
