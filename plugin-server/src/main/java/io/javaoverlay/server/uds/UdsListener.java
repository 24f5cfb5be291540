package io.javaoverlay.server.uds;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * The listening Unix socket and its file hygiene: directory 0755, stale file from a crashed run
 * removed, a live second instance refused, mode 0660 right after bind, unlink on close only if we
 * bound it (never a socket that systemd passed in).
 */
public final class UdsListener implements Closeable {
    private static final System.Logger LOG = System.getLogger(UdsListener.class.getName());

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final ServerSocketChannel channel;
    private final Path path;
    private final boolean owned;

    private UdsListener(ServerSocketChannel channel, Path path, boolean owned) {
        this.channel = channel;
        this.path = path;
        this.owned = owned;
    }

    /**
     * Binds {@code path}, creating its directory (0755) if missing.
     *
     * @throws SocketInUseException if another process accepts connections on the path
     * @throws IOException          on any other failure (permissions, not a socket, ...)
     */
    public static UdsListener bind(Path path) throws IOException {
        return bind(path, "rwxr-xr-x", "rw-rw----");
    }

    /**
     * Binds {@code path} with the given modes ({@code rwx------} style): {@code dirMode} for its
     * directory when this call creates it (an existing directory is left as it is), {@code fileMode}
     * for the socket file right after bind.
     *
     * @throws SocketInUseException if another process accepts connections on the path
     * @throws IOException          on any other failure (permissions, not a socket, ...)
     */
    public static UdsListener bind(Path path, String dirMode, String fileMode) throws IOException {
        Objects.requireNonNull(path, "path");
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(dirMode));
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            removeIfStale(path);
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path), 128);
            // Java cannot set the umask: the file is born 0777 & ~umask, so narrow it at once.
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(fileMode));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new UdsListener(ch, path, true);
    }

    /**
     * Wraps an already listening AF_UNIX channel handed over by systemd or a test. The file is not
     * ours: {@link #close()} leaves it in place.
     *
     * @throws IOException if the channel is not a listening Unix socket
     */
    public static UdsListener adopt(Channel inherited) throws IOException {
        if (inherited instanceof ServerSocketChannel ssc) {
            SocketAddress local = ssc.getLocalAddress();
            if (local instanceof UnixDomainSocketAddress uds) {
                return new UdsListener(ssc, uds.getPath(), false);
            }
            throw new IOException("inherited listening socket is not a Unix socket: " + local);
        }
        throw new IOException("inherited channel is not a listening socket: " + inherited);
    }

    /**
     * The socket passed by systemd socket activation, if any: {@code LISTEN_PID}/{@code LISTEN_FDS}
     * (fd 3) or a listening socket on fd 0 ({@code StandardInput=socket}).
     */
    public static Optional<UdsListener> fromSocketActivation() throws IOException {
        Optional<Channel> ch = SystemdActivation.inheritedChannel(System.getenv(), ProcessHandle.current().pid());
        if (ch.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(adopt(ch.get()));
    }

    /** Connect-probe an existing file: refused means a crashed run left it behind. */
    private static void removeIfStale(Path path) throws IOException {
        // connect() to a regular file also says ECONNREFUSED: never delete something that is not a socket.
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException("socket path " + path + " exists and is not a socket; refusing to replace it");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new SocketInUseException(path);
        } catch (ConnectException refused) {
            // ECONNREFUSED (nobody listening) is the only safe signal; ENOENT races are harmless too.
            LOG.log(Level.INFO, "removing stale socket file " + path + " left by an earlier run");
            Files.deleteIfExists(path);
        } catch (SocketInUseException e) {
            throw e;
        } catch (IOException other) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            throw new IOException("cannot reuse socket path " + path + ": " + other.getMessage(), other);
        }
    }

    /** Blocks for the next connection. */
    public SocketChannel accept() throws IOException {
        return channel.accept();
    }

    /** The socket file path. */
    public Path path() {
        return path;
    }

    /** True when we bound the file (and so remove it on close). */
    public boolean owned() {
        return owned;
    }

    /** True while the channel is open. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Stops listening; unlinks the file only if this process bound it. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            if (owned) {
                Files.deleteIfExists(path);
            }
        }
    }
}
