package io.javaoverlay.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javaoverlay.server.status.AdminException;
import io.javaoverlay.server.status.StatusModel;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.lang.System.Logger.Level;

/** Every admin failure as {@code {"error": "..."}} with its status; unexpected ones are logged. */
public final class AdminErrorMapper implements ExceptionMapper<Throwable> {
    private static final System.Logger LOG = System.getLogger(AdminErrorMapper.class.getName());

    @Override
    public Response toResponse(Throwable t) {
        int status;
        String message;
        if (t instanceof AdminException a) {
            status = a.status();
            message = a.getMessage();
        } else if (t instanceof NotFoundException) {
            status = 404;
            message = "unknown admin path (see javaoverlay --help)";
        } else if (t instanceof NotAllowedException) {
            status = 405;
            message = "method not allowed on this admin path";
        } else if (t instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
            status = w.getResponse().getStatus();
            message = find(t) != null ? "malformed JSON: " + find(t).getOriginalMessage() : String.valueOf(t.getMessage());
        } else if (find(t) != null) {
            status = 400;
            message = "malformed JSON: " + find(t).getOriginalMessage();
        } else {
            status = 500;
            message = "the admin call failed: " + t;
            LOG.log(Level.ERROR, message, t);
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new StatusModel.ErrorBody(message)).build();
    }

    private static JsonProcessingException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof JsonProcessingException j) {
                return j;
            }
        }
        return null;
    }
}
