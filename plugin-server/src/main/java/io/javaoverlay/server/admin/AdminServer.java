package io.javaoverlay.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javaoverlay.server.status.AdminContext;
import io.javaoverlay.server.status.StatusService;
import io.javaoverlay.server.uds.SocketInUseException;
import io.javaoverlay.server.uds.UdsHttpServer;
import io.javaoverlay.server.uds.UdsListener;
import jakarta.ws.rs.ext.ContextResolver;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The operator's admin interface: a second Jersey application on its own Unix socket (default
 * {@code /run/javaoverlay/admin.sock}; its directory is created 0700, the socket is 0600), served by
 * its own small worker pool so that admin calls never take a worker from Docker's plugin socket.
 * Connections from any user other than the daemon's own (root) are closed at accept, whatever the
 * file modes say. No TCP port is opened here.
 */
public final class AdminServer implements Closeable {
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());

    private final UdsHttpServer server;
    private final StatusService status;
    private final MetricFeeds feeds;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private AdminServer(UdsHttpServer server, StatusService status, MetricFeeds feeds) {
        this.server = server;
        this.status = status;
        this.feeds = feeds;
    }

    /**
     * Binds {@code socket} and serves the admin API for {@code ctx}.
     *
     * @throws SocketInUseException if another live daemon serves that socket
     * @throws IOException          if the socket cannot be bound
     */
    public static AdminServer start(Path socket, AdminContext ctx) throws IOException {
        return start(bind(socket), ctx);
    }

    /**
     * Binds the admin socket without serving it yet: a command that connects meanwhile waits in the
     * backlog until {@link #start(UdsListener, AdminContext)} serves it, instead of finding no socket.
     *
     * @throws SocketInUseException if another live daemon serves that socket
     * @throws IOException          if the socket cannot be bound
     */
    public static UdsListener bind(Path socket) throws IOException {
        return UdsListener.bind(socket, "rwx------", "rw-------");
    }

    /** Serves the admin API for {@code ctx} on {@code listener} (from {@link #bind}); closes it on failure. */
    public static AdminServer start(UdsListener listener, AdminContext ctx) throws IOException {
        StatusService status = new StatusService(ctx);
        MetricFeeds feeds = new MetricFeeds(ctx);
        String owner = System.getProperty("user.name");
        UdsHttpServer.Options options = new UdsHttpServer.Options("the admin API", "admin-worker", 1, 4,
                ch -> admit(ch, owner));
        try {
            return new AdminServer(UdsHttpServer.start(listener, application(ctx, status, feeds), options), status, feeds);
        } catch (IOException | RuntimeException e) {
            listener.close();
            status.close();
            feeds.close();
            throw e;
        }
    }

    /** The Jersey application (explicit registration, no scanning, WADL off). */
    static ResourceConfig application(AdminContext ctx, StatusService status, MetricFeeds feeds) {
        ObjectMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        ResourceConfig rc = new ResourceConfig();
        rc.setApplicationName("javaoverlay-admin");
        rc.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        rc.property(ServerProperties.METAINF_SERVICES_LOOKUP_DISABLE, true);
        rc.property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        rc.register(JacksonFeature.withoutExceptionMappers());
        rc.register(new ContextResolver<ObjectMapper>() {
            @Override
            public ObjectMapper getContext(Class<?> type) {
                return mapper;
            }
        });
        rc.register(new AdminErrorMapper());
        rc.registerInstances(new AdminResource(ctx, status, feeds));
        return rc;
    }

    /** Only the daemon's own user (root) may talk to it; checked on the peer's credentials. */
    static boolean admit(SocketChannel ch, String owner) {
        try {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (peer.user().getName().equals(owner)) {
                return true;
            }
            LOG.log(Level.WARNING, "refused an admin connection from user " + peer.user().getName()
                    + ": the admin socket is for " + owner + " only");
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.WARNING, "refused an admin connection whose peer cannot be identified: " + e.getMessage());
            return false;
        }
    }

    /** The socket path. */
    public Path socket() {
        return server.listener().path();
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } finally {
            status.close();
            feeds.close();
        }
    }
}
