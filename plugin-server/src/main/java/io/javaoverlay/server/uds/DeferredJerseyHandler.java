package io.javaoverlay.server.uds;

import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Grizzly handler in front of Jersey. Once Jersey is built every request goes to it. Before,
 * the {@link EarlyAnswers} calls are answered at once and every other call waits for Jersey (up
 * to {@link #WAIT_SECONDS}), on its worker thread. If Jersey fails to start, every call gets a
 * 500 naming the cause (no more early answers), so a systemd watchdog probe sees it.
 */
final class DeferredJerseyHandler extends HttpHandler {
    private static final System.Logger LOG = System.getLogger(DeferredJerseyHandler.class.getName());
    /** Building Jersey takes well under a second; this only bounds a wedged start. */
    static final long WAIT_SECONDS = 60;

    private final EarlyAnswers early;
    private final CountDownLatch built = new CountDownLatch(1);
    private volatile GrizzlyHttpContainer container;
    private volatile String failure;

    /** @param early the answers given before Jersey is ready; null: every call waits */
    DeferredJerseyHandler(EarlyAnswers early) {
        this.early = early;
    }

    /** Jersey is ready: from now on every request goes to it. */
    void ready(GrizzlyHttpContainer c) {
        container = c;
        built.countDown();
    }

    /** Jersey could not be built: waiting calls get a 500 naming the cause. */
    void failed(String why) {
        failure = why;
        built.countDown();
    }

    /** The container, once built. */
    GrizzlyHttpContainer container() {
        return container;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        GrizzlyHttpContainer c = container;
        if (c == null) {
            // After a failed start nothing is answered early: the watchdog's probe must see the failure.
            byte[] body = early == null || failure != null ? null
                    : early.answer(request.getMethod().getMethodString(), request.getRequestURI());
            long length = request.getContentLengthLong();
            boolean small = length >= 0 ? length <= EarlyAnswers.MAX_REQUEST_BODY : !request.getRequest().isChunked();
            if (body != null && small) {
                try (InputStream in = request.getInputStream()) {
                    in.readAllBytes();      // the body of a registration call is empty or ignored
                }
                send(response, 200, early.contentType(), body);
                return;
            }
            if (!built.await(WAIT_SECONDS, TimeUnit.SECONDS) || container == null) {
                String why = failure != null ? failure : "it is still starting after " + WAIT_SECONDS + " s";
                LOG.log(Level.WARNING, request.getMethod() + " " + request.getRequestURI() + " -> 500: Jersey is not serving: " + why);
                send(response, 500, early == null ? "application/json" : early.contentType(),
                        EarlyAnswers.error("javaoverlay cannot serve " + request.getRequestURI() + " yet: its HTTP layer "
                                + (failure != null ? "failed to start: " + failure : "is still starting") + "; see the plugin log"));
                return;
            }
            c = container;
        }
        c.service(request, response);
    }

    private static void send(Response response, int status, String contentType, byte[] body) throws Exception {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }
}
