package io.javaoverlay.netlink;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** A 6-byte Ethernet address. {@link #toString()} gives lowercase colon-separated hex. */
public final class MacAddress {
    /** 00:00:00:00:00:00, the "no address" of an FDB default entry. */
    public static final MacAddress ZERO = new MacAddress(new byte[6]);

    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps 6 bytes (copied). */
    public static MacAddress of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, got " + bytes.length);
        }
        return new MacAddress(bytes.clone());
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (also with '-'). */
    public static MacAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 6) {
            throw new IllegalArgumentException("invalid MAC address '" + text + "'");
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) {
                throw new IllegalArgumentException("invalid MAC address '" + text + "'");
            }
            try {
                b[i] = (byte) Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid MAC address '" + text + "'", e);
            }
        }
        return new MacAddress(b);
    }

    /** The 6 bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** True for 00:00:00:00:00:00. */
    public boolean isZero() {
        return Arrays.equals(bytes, ZERO.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
