package io.javaoverlay.server.metrics;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;

import java.util.regex.Pattern;

/**
 * Counts and times every call on Docker's plugin socket, by endpoint and result. Only the
 * protocol's own endpoint names become label values; anything else (404s, probing, path tricks)
 * is counted as {@code other}, so hostile requests cannot grow the number of series.
 */
@PreMatching
public final class PluginMetricsFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String START = PluginMetricsFilter.class.getName() + ".start";
    private static final Pattern ENDPOINT = Pattern.compile("(Plugin|NetworkDriver|IpamDriver)\\.[A-Za-z]{1,40}");

    private final Metrics metrics;

    /** @param metrics where the counts go */
    public PluginMetricsFilter(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(START, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object start = request.getProperty(START);
        int status = response.getStatus();
        String path = request.getUriInfo().getPath();
        path = path.startsWith("/") ? path.substring(1) : path;
        String endpoint = status != 404 && ENDPOINT.matcher(path).matches() ? path : "other";
        metrics.pluginRequests.labelValues(endpoint, result(status)).inc();
        if (start instanceof Long t) {
            metrics.pluginDuration.labelValues(endpoint).observe((System.nanoTime() - t) / 1e9);
        }
    }

    /** {@code ok} (2xx), {@code client_error} (4xx), {@code error} (5xx and anything else). */
    static String result(int status) {
        if (status >= 200 && status < 300) {
            return "ok";
        }
        return status >= 400 && status < 500 ? "client_error" : "error";
    }
}
