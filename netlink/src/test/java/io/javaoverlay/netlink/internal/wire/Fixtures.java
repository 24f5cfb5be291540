package io.javaoverlay.netlink.internal.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Loads the hex fixtures under {@code src/test/resources/fixtures}: '#' lines are the capture
 * header, "--" separates datagrams, everything else is hex bytes.
 */
public final class Fixtures {
    private Fixtures() {}

    public static List<byte[]> datagrams(String name) {
        String text;
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<byte[]> out = new ArrayList<>();
        StringBuilder hex = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.trim().equals("--")) {
                out.add(HexFormat.of().parseHex(hex));
                hex.setLength(0);
                continue;
            }
            hex.append(line.replaceAll("\\s+", ""));
        }
        if (hex.length() > 0) {
            out.add(HexFormat.of().parseHex(hex));
        }
        return out;
    }

    /** The single datagram of a fixture. */
    public static byte[] one(String name) {
        List<byte[]> d = datagrams(name);
        if (d.size() != 1) {
            throw new IllegalArgumentException(name + " has " + d.size() + " datagrams");
        }
        return d.get(0);
    }

    /** nlmsg_seq of the first message. */
    public static int seqOf(byte[] datagram) {
        return ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder()).getInt(8);
    }

    /** The first message of a datagram, parsed. */
    public static NlMessage first(byte[] datagram) {
        return NlMessage.parseAll(ByteBuffer.wrap(datagram)).get(0);
    }

    public static String hex(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }
}
