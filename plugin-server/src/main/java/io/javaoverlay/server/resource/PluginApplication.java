package io.javaoverlay.server.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.Json;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.uds.EarlyAnswers;
import jakarta.ws.rs.ext.ContextResolver;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Jersey application: three resource classes, one error mapper, one media filter, Jackson. */
public final class PluginApplication {
    private PluginApplication() {
    }

    /**
     * Builds the application with explicit registration (no package scanning, WADL off: both
     * cost start-up time).
     */
    public static ResourceConfig create(Services services, DriverSettings settings, long maxBodyBytes) {
        ObjectMapper mapper = Json.newMapper();
        ResourceConfig rc = new ResourceConfig();
        rc.setApplicationName("javaoverlay");
        rc.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        rc.property(ServerProperties.METAINF_SERVICES_LOOKUP_DISABLE, true);
        rc.property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        // Our own mapper must see JSON errors, so Jackson's built-in mappers stay out.
        rc.register(JacksonFeature.withoutExceptionMappers());
        rc.register(new ContextResolver<ObjectMapper>() {
            @Override
            public ObjectMapper getContext(Class<?> type) {
                return mapper;
            }
        });
        rc.register(new AccessLogFilter());
        rc.register(new DockerMediaFilter(maxBodyBytes));
        rc.register(new ErrorMapper());
        rc.registerInstances(new PluginResource(), new NetworkDriverResource(services, settings),
                new IpamDriverResource(services, settings));
        return rc;
    }

    /**
     * The registration calls' answers, from the resources' own methods and the same JSON mapper,
     * for the socket to give while Jersey is still being built ({@link EarlyAnswers}).
     */
    public static EarlyAnswers registrationAnswers(DriverSettings settings) {
        ObjectMapper mapper = Json.newMapper();
        Services none = Services.of(null, null);     // these calls never reach the services
        NetworkDriverResource network = new NetworkDriverResource(none, settings);
        IpamDriverResource ipam = new IpamDriverResource(none, settings);
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put("/" + PluginApi.ACTIVATE, new PluginResource().activate());
        answers.put("/" + NetworkDriverApi.GET_CAPABILITIES, network.getCapabilities());
        answers.put("/" + IpamDriverApi.GET_CAPABILITIES, ipam.getCapabilities());
        answers.put("/" + IpamDriverApi.GET_DEFAULT_ADDRESS_SPACES, ipam.getDefaultAddressSpaces());
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Object> e : answers.entrySet()) {
                bodies.put(e.getKey(), mapper.writeValueAsBytes(e.getValue()));
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return new EarlyAnswers(Json.DOCKER_PLUGIN_JSON, bodies);
    }
}
