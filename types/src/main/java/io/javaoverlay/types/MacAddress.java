package io.javaoverlay.types;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** A 6-byte Ethernet address. {@link #toString()} gives lowercase colon-separated hex (the form stored and sent to Docker). */
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

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff} (or {@code aa-bb-cc-dd-ee-ff}): six groups of exactly two hex
     * digits, one separator throughout, either case; surrounding blanks are ignored.
     *
     * @throws IllegalArgumentException naming the text
     */
    public static MacAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        if (s.length() != 17) {
            throw invalid(text);
        }
        char sep = s.charAt(2);
        if (sep != ':' && sep != '-') {
            throw invalid(text);
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            int at = i * 3;
            if (i > 0 && s.charAt(at - 1) != sep) {
                throw invalid(text);
            }
            int hi = IpAddress.hexDigit(s.charAt(at));
            int lo = IpAddress.hexDigit(s.charAt(at + 1));
            if (hi < 0 || lo < 0) {
                throw invalid(text);
            }
            b[i] = (byte) (hi << 4 | lo);
        }
        return new MacAddress(b);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid MAC address '" + text + "'");
    }

    /** True for a group address (the I/G bit of the first byte), such as a broadcast or multicast MAC. */
    public boolean isMulticast() {
        return (bytes[0] & 0x01) != 0;
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
