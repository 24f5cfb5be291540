package io.javaoverlay.server.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Docker's option maps are Go {@code map[string]interface{}}: values may be strings, booleans,
 * numbers, arrays or objects. The DTOs keep them as generic JSON; these helpers flatten them into
 * the string maps the domain services take.
 */
public final class OptionMaps {
    /** Key under which CreateNetwork carries the user's {@code -o key=value} driver options. */
    public static final String GENERIC = "com.docker.network.generic";
    /** Boolean, always sent: {@code --ipv6}. */
    public static final String ENABLE_IPV6 = "com.docker.network.enable_ipv6";
    /** Boolean {@code true}, only with {@code --internal}. */
    public static final String INTERNAL = "com.docker.network.internal";
    /** IPAM RequestAddress option whose value {@link #GATEWAY_TYPE} marks the gateway request. */
    public static final String REQUEST_ADDRESS_TYPE = "RequestAddressType";
    /** The value of {@link #REQUEST_ADDRESS_TYPE} that marks the gateway request. */
    public static final String GATEWAY_TYPE = "com.docker.network.gateway";

    private static final ObjectMapper MAPPER = Json.newMapper();

    private OptionMaps() {
    }

    /** A string map from generic JSON values: strings as-is, anything else as its JSON text. */
    public static Map<String, String> flatten(Map<String, Object> options) {
        Map<String, String> out = new LinkedHashMap<>();
        if (options == null) {
            return out;
        }
        options.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(k, asString(v));
            }
        });
        return out;
    }

    /** The nested object under {@code key} (e.g. {@link #GENERIC}), flattened; empty if absent. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> nested(Map<String, Object> options, String key) {
        if (options == null) {
            return Map.of();
        }
        Object v = options.get(key);
        if (v instanceof Map<?, ?> m) {
            return flatten((Map<String, Object>) m);
        }
        return Map.of();
    }

    /** Docker sends booleans as JSON booleans; accept "true"/"false" strings as well. */
    public static boolean flag(Map<String, Object> options, String key) {
        if (options == null) {
            return false;
        }
        Object v = options.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        return v instanceof String s && Boolean.parseBoolean(s.trim());
    }

    private static String asString(Object v) {
        if (v instanceof String s) {
            return s;
        }
        try {
            return MAPPER.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            return String.valueOf(v);
        }
    }
}
