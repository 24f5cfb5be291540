package io.javaoverlay.server.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javaoverlay.ipam.IpamException;
import io.javaoverlay.server.protocol.Json;
import io.javaoverlay.server.protocol.PluginMessages.ErrorResponse;
import io.javaoverlay.vxlan.OverlayException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.lang.System.Logger.Level;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The one place failures become HTTP: every error is {@code {"Err":"<one sentence>"}} with the
 * Docker plugin content type, never the in-band 200 form. Domain failures and failed validation
 * → 500 with the message verbatim; malformed JSON → 400; unknown path → 404; wrong method → 405;
 * anything unexpected → 500 with a generic sentence and a correlation id (stack trace logged).
 */
public final class ErrorMapper implements ExceptionMapper<Throwable> {
    private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());

    // Proxies resolved per request (a singleton cannot hold the request context itself).
    @Context
    private UriInfo uriInfo;
    @Context
    private Request request;

    @Override
    public Response toResponse(Throwable t) {
        String path = "/" + trimSlash(safe(() -> uriInfo.getPath()));
        String method = safe(() -> request.getMethod());
        int status;
        String message;
        JsonProcessingException json = find(t, JsonProcessingException.class);
        if (t instanceof NotFoundException) {
            status = 404;
            message = "unknown plugin endpoint " + Requests.abbreviate(path);
        } else if (t instanceof NotAllowedException) {
            status = 405;
            message = "plugin endpoint " + Requests.abbreviate(path) + " accepts only POST, not " + method;
        } else if (t instanceof WebApplicationException wae && wae.getResponse().getStatus() < 500) {
            status = wae.getResponse().getStatus();
            message = wae.getMessage();
        } else if (json != null) {
            status = 400;
            message = "malformed JSON in the request body of " + path + ": " + firstLine(json.getOriginalMessage());
        } else if (t instanceof IpamException e && e.kind() != IpamException.Kind.INTERNAL) {
            status = 500;
            message = e.getMessage();
        } else if (t instanceof OverlayException e && e.kind() != OverlayException.Kind.INTERNAL) {
            status = 500;
            message = e.getMessage();
        } else if (t instanceof InvalidRequestException || t instanceof ServiceUnavailableException) {
            status = 500;
            message = t.getMessage();
        } else {
            status = 500;
            String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            message = "javaoverlay failed internally while handling " + path + " (correlation id " + id
                    + "); see the plugin log";
            LOG.log(Level.ERROR, method + " " + path + " failed, correlation id " + id, t);
        }
        // Every 5xx once, at WARNING, with the endpoint and the reason Docker shows: Docker retries
        // nothing that got an HTTP answer, so this line is the operator's only trace of the failure
        // (the INTERNAL case was logged above, at ERROR with its stack trace and correlation id).
        if (status < 500) {
            LOG.log(Level.DEBUG, method + " " + path + " -> " + status + ": " + message);
        } else if (!message.contains("correlation id")) {
            LOG.log(Level.WARNING, method + " " + path + " -> " + status + ": " + message);
        }
        Response.ResponseBuilder rb = Response.status(status).type(Json.DOCKER_PLUGIN_JSON).entity(new ErrorResponse(message));
        if (status == 405) {
            rb.header("Allow", "POST");
        }
        return rb.build();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** Outside a request (never expected) the proxies throw; the error text must still be built. */
    private static String safe(Supplier<String> s) {
        try {
            String v = s.get();
            return v == null ? "?" : v;
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable input";
        }
        int nl = s.indexOf('\n');
        return Requests.abbreviate(nl < 0 ? s : s.substring(0, nl));
    }

    private static String trimSlash(String p) {
        return p.startsWith("/") ? p.substring(1) : p;
    }
}
