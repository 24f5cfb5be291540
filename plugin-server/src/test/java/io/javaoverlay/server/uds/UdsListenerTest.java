package io.javaoverlay.server.uds;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Socket-file hygiene: directory and file modes, stale file, live second instance, ownership on close. */
class UdsListenerTest {
    @TempDir
    Path dir;

    @Test
    void createsDirectory0755AndSocket0660() throws Exception {
        Path sock = dir.resolve("run/docker/plugins/javaoverlay.sock");
        try (UdsListener l = UdsListener.bind(sock)) {
            assertTrue(l.owned());
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent())));
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertTrue(isSocket(sock));
        }
        assertFalse(Files.exists(sock), "an owned socket file is removed on close");
    }

    @Test
    void staleSocketFromACrashedRunIsReplaced() throws Exception {
        Path sock = dir.resolve("javaoverlay.sock");
        ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        crashed.bind(UnixDomainSocketAddress.of(sock));
        crashed.close();            // like a killed process: the file stays behind
        assertTrue(Files.exists(sock));
        try (UdsListener l = UdsListener.bind(sock); SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            assertTrue(c.isConnected());
            assertTrue(l.isOpen());
        }
    }

    @Test
    void liveSecondInstanceIsRefusedAndTheFirstKeepsItsSocket() throws Exception {
        Path sock = dir.resolve("javaoverlay.sock");
        try (UdsListener first = UdsListener.bind(sock)) {
            SocketInUseException e = assertThrows(SocketInUseException.class, () -> UdsListener.bind(sock));
            assertEquals(sock, e.path());
            assertTrue(e.getMessage().contains("already served by another live process"), e.getMessage());
            assertTrue(Files.exists(sock));
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                assertTrue(c.isConnected(), "the first instance still accepts");
            }
        }
    }

    @Test
    void aRegularFileAtThePathIsNeverDeleted() throws Exception {
        Path sock = dir.resolve("javaoverlay.sock");
        Files.writeString(sock, "not a socket");
        IOException e = assertThrows(IOException.class, () -> UdsListener.bind(sock));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertEquals("not a socket", Files.readString(sock));
    }

    @Test
    void anAdoptedSocketIsNotUnlinkedOnClose() throws Exception {
        Path sock = dir.resolve("activated.sock");
        ServerSocketChannel systemd = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        systemd.bind(UnixDomainSocketAddress.of(sock));
        UdsListener l = UdsListener.adopt(systemd);
        assertFalse(l.owned());
        assertEquals(sock, l.path());
        l.close();
        assertTrue(Files.exists(sock), "systemd owns the file");
    }

    @Test
    void socketActivationVariablesMustNameThisProcess() {
        assertTrue(SystemdActivation.activatedFor(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "1"), 42));
        assertFalse(SystemdActivation.activatedFor(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "1"), 42));
        assertFalse(SystemdActivation.activatedFor(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "0"), 42));
        assertFalse(SystemdActivation.activatedFor(Map.of("LISTEN_PID", "x", "LISTEN_FDS", "1"), 42));
        assertFalse(SystemdActivation.activatedFor(Map.of(), 42));
    }

    private static boolean isSocket(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        return (mode & 0170000) == 0140000;
    }
}
