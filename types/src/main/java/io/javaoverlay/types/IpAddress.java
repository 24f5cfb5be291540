package io.javaoverlay.types;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * One IPv4 or IPv6 address as an unsigned integer: the one address type of javaoverlay, from
 * Docker's JSON through the store records to the kernel's bytes. Parsing is strict and purely
 * textual: {@code java.net.InetAddress} is avoided on purpose because it resolves host names (a
 * DNS lookup in a request path) and accepts legacy forms such as {@code 10.1} for
 * {@code 10.0.0.1}. {@link #toInetAddress()} and {@link #of(InetAddress)} convert at the edges
 * that need the JDK type (sockets, {@code NetworkInterface}).
 *
 * @param v6    true for IPv6 (128 bits), false for IPv4 (32 bits)
 * @param value the address bits, {@code 0 <= value < 2^bits}
 */
public record IpAddress(boolean v6, BigInteger value) implements Comparable<IpAddress> {

    public IpAddress {
        Objects.requireNonNull(value, "value");
        if (value.signum() < 0 || value.bitLength() > (v6 ? 128 : 32)) {
            throw new IllegalArgumentException("address value out of range for "
                    + (v6 ? "IPv6" : "IPv4") + ": " + value);
        }
    }

    /** Number of bits of this family (32 or 128). */
    public int bits() {
        return v6 ? 128 : 32;
    }

    /** The address {@code n} positions further (may not overflow the family). */
    public IpAddress plus(BigInteger n) {
        return new IpAddress(v6, value.add(n));
    }

    /** True for IPv4. */
    public boolean v4() {
        return !v6;
    }

    /**
     * The address from its network-order bytes, as the kernel and {@code InetAddress} hold it.
     *
     * @throws IllegalArgumentException unless there are 4 or 16 bytes
     */
    public static IpAddress ofBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != 4 && bytes.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, got " + bytes.length);
        }
        return new IpAddress(bytes.length == 16, new BigInteger(1, bytes));
    }

    /** The JDK address, converted without any lookup. */
    public static IpAddress of(InetAddress address) {
        return ofBytes(address.getAddress());
    }

    /** Network-order bytes: 4 for IPv4, 16 for IPv6. */
    public byte[] bytes() {
        int n = v6 ? 16 : 4;
        byte[] raw = value.toByteArray();
        byte[] out = new byte[n];
        // toByteArray is minimal and may carry a leading sign byte: right-align the low n bytes.
        int copy = Math.min(n, raw.length);
        System.arraycopy(raw, raw.length - copy, out, n - copy, copy);
        return out;
    }

    /** The JDK form, for sockets and {@code NetworkInterface}; no lookup is made. */
    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(bytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always a valid address", e);
        }
    }

    /**
     * Parses a bare IP (no mask).
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static IpAddress parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' is not an IPv4 or IPv6 address"));
    }

    /** Parses a bare IP, or returns empty if the text is not one. */
    public static Optional<IpAddress> tryParse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return Optional.empty();
        }
        if (text.indexOf(':') >= 0) {
            BigInteger v = parseV6(text);
            return v == null ? Optional.empty() : Optional.of(new IpAddress(true, v));
        }
        long v = parseV4(text);
        return v < 0 ? Optional.empty() : Optional.of(new IpAddress(false, BigInteger.valueOf(v)));
    }

    /** Dotted quad, exactly four decimal parts 0..255, no leading zeros (they read as octal elsewhere). */
    private static long parseV4(String s) {
        // One scan, no split: the reconciler parses every endpoint record's addresses on every pass.
        long v = 0;
        int parts = 0;
        int i = 0;
        int n = s.length();
        while (true) {
            int start = i;
            int octet = 0;
            while (i < n && s.charAt(i) != '.') {
                char c = s.charAt(i);
                if (c < '0' || c > '9' || i - start >= 3) {
                    return -1;
                }
                octet = octet * 10 + (c - '0');
                i++;
            }
            int len = i - start;
            if (len == 0 || (len > 1 && s.charAt(start) == '0') || octet > 255) {
                return -1;
            }
            v = (v << 8) | octet;
            parts++;
            if (i == n) {
                return parts == 4 ? v : -1;
            }
            if (parts == 4) {
                return -1; // a fifth part
            }
            i++; // the dot
        }
    }

    /** RFC 4291 text forms, including "::" and a trailing dotted quad; no zone ids. */
    private static BigInteger parseV6(String s) {
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head, dbl < 0 || tail.isEmpty());
        int[] t = dbl >= 0 ? groups(tail, true) : new int[0];
        if (h == null || t == null) {
            return null;
        }
        int total = h.length + t.length;
        if ((dbl < 0 && total != 8) || (dbl >= 0 && total > 7)) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(t, 0, all, 8 - t.length, t.length);
        BigInteger v = BigInteger.ZERO;
        for (int g : all) {
            v = v.shiftLeft(16).or(BigInteger.valueOf(g));
        }
        return v;
    }

    /** Colon-separated hex groups; the last one may be a dotted quad (counts as two groups). */
    private static int[] groups(String s, boolean mayEndWithV4) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int n = parts.length;
        boolean v4Tail = mayEndWithV4 && parts[n - 1].indexOf('.') >= 0;
        int[] out = new int[v4Tail ? n + 1 : n];
        for (int i = 0; i < n; i++) {
            String p = parts[i];
            if (i == n - 1 && v4Tail) {
                long q = parseV4(p);
                if (q < 0) {
                    return null;
                }
                out[i] = (int) (q >>> 16);
                out[i + 1] = (int) (q & 0xffff);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int g = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = hexDigit(p.charAt(k));
                if (d < 0) {
                    return null;
                }
                g = (g << 4) | d;
            }
            out[i] = g;
        }
        return out;
    }

    /** The value of an ASCII hex digit, or -1 (Character.digit would also take other scripts' digits). */
    static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Canonical text: dotted quad, or RFC 5952 for IPv6 (lower case, longest zero run as "::"). */
    @Override
    public String toString() {
        if (!v6) {
            long v = value.longValue();
            return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
        }
        int[] g = new int[8];
        BigInteger v = value;
        for (int i = 7; i >= 0; i--) {
            g[i] = v.intValue() & 0xffff;
            v = v.shiftRight(16);
        }
        // RFC 5952 4.2: compress the longest run of >= 2 zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Boolean.compare(v6, o.v6);
        return c != 0 ? c : value.compareTo(o.value);
    }
}
