package io.javaoverlay.server.uds;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Fixed answers the socket gives while Jersey is still being built: Docker's registration calls
 * ({@code Plugin.Activate}, the GetCapabilities calls, GetDefaultAddressSpaces), whose answers come
 * from configuration alone. Building Jersey and HK2 is most of the daemon's start-up; these calls
 * do not need it, so Docker registers the driver while it is built. Every other call waits for it.
 *
 * @param contentType the answers' Content-Type
 * @param bodies      request path (e.g. {@code /Plugin.Activate}) → the exact body Jersey would send
 */
public record EarlyAnswers(String contentType, Map<String, byte[]> bodies) {
    /** Requests with a longer body are not registration calls: they wait for Jersey. */
    static final int MAX_REQUEST_BODY = 4096;

    public EarlyAnswers {
        Objects.requireNonNull(contentType, "contentType");
        bodies = Map.copyOf(bodies);
    }

    /** The body for a POST to {@code path}, or null when Jersey must answer. */
    byte[] answer(String method, String path) {
        return "POST".equals(method) ? bodies.get(path) : null;
    }

    /** A {@code {"Err": ...}} body for calls that could not wait for Jersey. */
    static byte[] error(String message) {
        StringBuilder sb = new StringBuilder("{\"Err\":\"");
        for (char c : message.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
