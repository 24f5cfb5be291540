package io.javaoverlay.server.resource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.server.protocol.Json;
import jakarta.ws.rs.ext.ContextResolver;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

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
}
