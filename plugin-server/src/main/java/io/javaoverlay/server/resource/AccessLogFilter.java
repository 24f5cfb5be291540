package io.javaoverlay.server.resource;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;

import java.lang.System.Logger.Level;

/** One DEBUG line per request: method, path, status, milliseconds ({@code --log-level debug}). */
@PreMatching
public final class AccessLogFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final System.Logger LOG = System.getLogger(AccessLogFilter.class.getName());
    private static final String START = AccessLogFilter.class.getName() + ".start";

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(START, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!LOG.isLoggable(Level.DEBUG)) {
            return;
        }
        Object start = request.getProperty(START);
        long ms = start instanceof Long t ? (System.nanoTime() - t) / 1_000_000 : -1;
        LOG.log(Level.DEBUG, request.getMethod() + " /" + trim(request.getUriInfo().getPath()) + " -> "
                + response.getStatus() + " in " + ms + " ms");
    }

    private static String trim(String p) {
        return p.startsWith("/") ? p.substring(1) : p;
    }
}
