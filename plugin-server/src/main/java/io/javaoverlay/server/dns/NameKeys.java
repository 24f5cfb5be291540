package io.javaoverlay.server.dns;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one owner of the name key layout (relative to the store prefix, {@code javaoverlay/v1/}
 * for Consul):
 * <pre>
 *   names/&lt;hostId&gt;/&lt;endpointId&gt;   → {@link NameRecord} JSON, written only by host &lt;hostId&gt;
 * </pre>
 * One owner per key: a host rewrites only its own subtree, so hosts never contend, and the
 * dead-host path removes a whole host with one prefix delete.
 */
public final class NameKeys {
    /** Prefix of every name record. */
    public static final String NAMES = "names/";

    /** Host IDs as vxlan's NetworkKeys accepts them; Docker IDs are 64 hex chars. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private NameKeys() {
    }

    /** True when {@code s} can be a host or endpoint ID in a key. */
    public static boolean isValidToken(String s) {
        return s != null && TOKEN.matcher(s).matches();
    }

    /** {@code names/<hostId>/}: the subtree one host owns. */
    public static String hostPrefix(String hostId) {
        if (!isValidToken(hostId)) {
            throw new IllegalArgumentException("invalid host ID '" + hostId + "'");
        }
        return NAMES + hostId + "/";
    }

    /** {@code names/<hostId>/<endpointId>}. */
    public static String key(String hostId, String endpointId) {
        if (!isValidToken(endpointId)) {
            throw new IllegalArgumentException("invalid endpoint ID '" + endpointId + "'");
        }
        return hostPrefix(hostId) + endpointId;
    }

    /** The key of {@code r}. */
    public static String key(NameRecord r) {
        return key(r.hostId(), r.endpointId());
    }

    /** The host ID of a {@code names/<hostId>/<endpointId>} key. */
    public static Optional<String> hostOf(String key) {
        if (key == null || !key.startsWith(NAMES)) {
            return Optional.empty();
        }
        String rest = key.substring(NAMES.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            return Optional.empty();
        }
        String h = rest.substring(0, slash);
        return isValidToken(h) && isValidToken(rest.substring(slash + 1)) ? Optional.of(h) : Optional.empty();
    }

    /** A record as JSON bytes. */
    public static byte[] encode(NameRecord r) {
        try {
            return JSON.writeValueAsBytes(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes the record at {@code key}.
     *
     * @throws IllegalArgumentException naming the key when the bytes are not a valid record, or the
     *                                  record does not belong at that key
     */
    public static NameRecord decode(String key, byte[] value) {
        NameRecord r;
        try {
            r = JSON.readValue(value, NameRecord.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt name record at key " + key + ": " + e.getMessage(), e);
        }
        if (!key.equals(key(r))) {
            throw new IllegalArgumentException("name record at key " + key + " belongs at " + key(r));
        }
        return r;
    }
}
