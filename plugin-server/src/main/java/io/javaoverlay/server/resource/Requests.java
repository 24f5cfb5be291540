package io.javaoverlay.server.resource;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import jakarta.ws.rs.BadRequestException;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Boundary validation: turns Docker's strings into domain values, or fails with a sentence that
 * names the object and the problem. Nothing here touches state.
 */
final class Requests {
    private static final System.Logger LOG = System.getLogger(Requests.class.getName());
    /** Empty bodies are logged at most once a minute per endpoint (hostile input must not flood the log). */
    private static final long EMPTY_LOG_GAP_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    private static final java.util.Map<String, Long> EMPTY_LOGGED = new java.util.concurrent.ConcurrentHashMap<>();
    /** Docker IDs are 64 hex chars; allow any sane token but never '/', spaces or control chars (store keys). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

    private Requests() {
    }

    /**
     * A JSON body is required on every path that takes arguments. Docker sends an empty body when it
     * retries a call whose connection was cut (the plugin was restarted or killed during the call); such a
     * call cannot be served (its arguments are lost), so it gets a clear 400, and what the cut call left
     * behind is repaired by the endpoint reconciliation. Logged at INFO: it explains a failed Docker command.
     */
    static <T> T body(T request, String endpoint) {
        if (request == null) {
            long now = System.nanoTime();
            Long last = EMPTY_LOGGED.get(endpoint);
            if (last == null || now - last > EMPTY_LOG_GAP_NANOS) {
                EMPTY_LOGGED.put(endpoint, now);
                LOG.log(System.Logger.Level.INFO, "POST /" + endpoint + " arrived with an empty body (Docker retries a call"
                        + " cut by a restart without its body): answered 400; whatever the cut call left is repaired by"
                        + " the next reconciliation against Docker");
            }
            throw new BadRequestException("empty request body for " + endpoint + "; expected a JSON object");
        }
        return request;
    }

    /** A Docker object ID ({@code NetworkID}, {@code EndpointID}). */
    static String id(String value, String field, String endpoint) {
        if (value == null || value.isBlank()) {
            throw invalid(endpoint + " request has no " + field);
        }
        if (!ID.matcher(value).matches()) {
            throw invalid(field + " '" + abbreviate(value) + "' in " + endpoint
                    + " is not a valid ID (expected up to 128 letters, digits, '_', '.', ':' or '-')");
        }
        return value;
    }

    /** An opaque non-empty token such as an IPAM {@code PoolID} (it may contain '/'). */
    static String token(String value, String field, String endpoint) {
        if (value == null || value.isBlank()) {
            throw invalid(endpoint + " request has no " + field);
        }
        return value;
    }

    /** A CIDR ({@code 10.20.0.0/24}); the prefix length is mandatory. */
    static IpPrefix cidr(String value, String what) {
        if (value == null || value.isBlank() || value.indexOf('/') < 0) {
            throw invalid(what + " '" + abbreviate(String.valueOf(value)) + "' is not a valid CIDR (expected ADDRESS/LENGTH)");
        }
        try {
            return IpPrefix.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(what + " '" + abbreviate(value) + "' is not a valid CIDR: " + e.getMessage(), e);
        }
    }

    /** An optional CIDR: {@code ""}/null means absent. */
    static Optional<IpPrefix> optionalCidr(String value, String what) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(cidr(value, what));
    }

    /** A bare IP address, no prefix. */
    static IpAddress address(String value, String what) {
        if (value == null || value.isBlank() || value.indexOf('/') >= 0) {
            throw invalid(what + " '" + abbreviate(String.valueOf(value)) + "' is not a bare IP address");
        }
        try {
            return IpAddress.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(what + " '" + abbreviate(value) + "' is not a valid IP address", e);
        }
    }

    /** An optional colon-separated MAC: {@code ""}/null means absent. */
    static Optional<MacAddress> optionalMac(String value, String what) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MacAddress.parse(value));
        } catch (IllegalArgumentException e) {
            throw invalid(what + " '" + abbreviate(value) + "' is not a valid MAC address (expected aa:bb:cc:dd:ee:ff)", e);
        }
    }

    /** A request that parsed as JSON but carries a bad or missing value; the message names the object. */
    static OverlayException invalid(String message) {
        return new OverlayException(OverlayException.Kind.INVALID_REQUEST, message);
    }

    /** Like {@link #invalid(String)}, keeping the parse failure as the cause. */
    static OverlayException invalid(String message, Throwable cause) {
        return new OverlayException(OverlayException.Kind.INVALID_REQUEST, message, cause);
    }

    /** Keeps hostile input from flooding logs and Docker's error text. */
    static String abbreviate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 80 ? clean : clean.substring(0, 77) + "...";
    }
}
