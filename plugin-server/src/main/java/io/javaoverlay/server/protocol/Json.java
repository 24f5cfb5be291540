package io.javaoverlay.server.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration for Docker's plugin JSON. */
public final class Json {
    /** Docker's response media type (what go-plugins-helpers sends; Docker does not check it). */
    public static final String DOCKER_PLUGIN_JSON = "application/vnd.docker.plugins.v1.1+json";

    private Json() {
    }

    /**
     * A mapper that ignores unknown fields (newer Docker versions add fields and option keys),
     * reads {@code null} arrays as empty ones (the DTO constructors do that), and writes fields in
     * declaration order with Docker's exact names.
     */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
    }
}
