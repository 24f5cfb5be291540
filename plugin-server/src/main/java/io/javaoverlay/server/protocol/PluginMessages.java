package io.javaoverlay.server.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** Messages shared by every plugin subsystem. */
public final class PluginMessages {
    private PluginMessages() {
    }

    /** {@code /Plugin.Activate} response: the subsystems, in registration order. */
    public record ActivateResponse(@JsonProperty("Implements") List<String> implementsList) {
        public ActivateResponse {
            implementsList = List.copyOf(implementsList);
        }
    }

    /** Every failure: HTTP 500 (400 for malformed JSON) with this body. Docker shows {@code Err} verbatim. */
    public record ErrorResponse(@JsonProperty("Err") String err) {
    }
}
