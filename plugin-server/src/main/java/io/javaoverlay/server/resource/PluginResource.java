package io.javaoverlay.server.resource;

import io.javaoverlay.server.protocol.Json;
import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.protocol.PluginMessages.ActivateResponse;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import java.util.List;

/** {@code /Plugin.Activate}: the legacy (v1) handshake. The body is empty and ignored. */
@Path("/")
@Produces(Json.DOCKER_PLUGIN_JSON)
public final class PluginResource {
    /** NetworkDriver first: Docker registers subsystems in this order. */
    static final ActivateResponse MANIFEST = new ActivateResponse(List.of("NetworkDriver", "IpamDriver"));

    /** Answers the manifest; static, available before the store is. */
    @POST
    @Path(PluginApi.ACTIVATE)
    public ActivateResponse activate() {
        return MANIFEST;
    }
}
