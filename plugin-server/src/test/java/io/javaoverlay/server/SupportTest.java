package io.javaoverlay.server;

import io.javaoverlay.types.IpAddress;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sd_notify datagrams, the journald line format, advertise-address resolution. */
class SupportTest {
    @TempDir
    Path dir;

    @Test
    void sdNotifySendsOneDatagramPerCall() throws Exception {
        Path path = dir.resolve("notify.sock");
        try (UnixDatagramChannel rx = UnixDatagramChannel.open()) {
            rx.bind(new UnixSocketAddress(path.toString()));
            SdNotify n = SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", path.toString()));
            assertTrue(n.enabled());
            n.ready("serving");
            assertEquals("READY=1\nSTATUS=serving\nMAINPID=" + ProcessHandle.current().pid(), receive(rx));
            n.status("connecting");
            assertEquals("STATUS=connecting", receive(rx));
            n.stopping();
            assertEquals("STOPPING=1\nSTATUS=stopping", receive(rx));
        }
    }

    @Test
    void sdNotifyWithoutSocketIsANoOp() {
        SdNotify n = SdNotify.fromEnvironment(Map.of());
        assertFalse(n.enabled());
        assertFalse(n.send("READY=1"));
        assertFalse(SdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("absent").toString())).send("READY=1"));
    }

    private static String receive(UnixDatagramChannel rx) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        rx.receive(buf);
        buf.flip();
        return StandardCharsets.UTF_8.decode(buf).toString();
    }

    @Test
    void journalLinesHavePriorityAndNoTimestamp() {
        LogSetup.LineFormatter journal = new LogSetup.LineFormatter(true);
        LogRecord r = new LogRecord(Level.WARNING, "store down\nsecond line");
        r.setLoggerName("io.javaoverlay.server.Daemon");
        assertEquals("<4>Daemon: store down \\n second line\n", journal.format(r));
        LogRecord e = new LogRecord(Level.SEVERE, "failed");
        e.setLoggerName("x.Y");
        e.setThrown(new IllegalStateException("bad", new RuntimeException("root")));
        String line = journal.format(e);
        assertTrue(line.startsWith("<3>Y: failed | java.lang.IllegalStateException: bad at "), line);
        assertTrue(line.contains("| caused by java.lang.RuntimeException: root"), line);
        assertEquals(1, line.split("\n").length);
        String tty = new LogSetup.LineFormatter(false).format(r);
        assertTrue(tty.matches("\\d{4}-\\d\\d-\\d\\dT.*Z WARN  Daemon: store down .*\n"), tty);
    }

    @Test
    void advertiseAddressFromLiteralOrDefaultRoute() throws Exception {
        assertEquals(IpAddress.parse("198.18.0.1"), AdvertiseAddress.resolve(Optional.of("198.18.0.1"), dir.resolve("none")));
        Path route = dir.resolve("route");
        Files.writeString(route, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                + "lo\t0000007F\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n"
                + "lo\t00000000\t0100007F\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
        assertEquals(Optional.of("lo"), AdvertiseAddress.defaultRouteInterface(route));
        assertEquals(IpAddress.parse("127.0.0.1"), AdvertiseAddress.resolve(Optional.empty(), route));
        assertEquals(IpAddress.parse("127.0.0.1"), AdvertiseAddress.resolve(Optional.of("lo"), route));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> AdvertiseAddress.resolve(Optional.of("jo-nonexistent0"), route));
        assertEquals("--advertise-addr interface 'jo-nonexistent0' does not exist or has no IPv4 address", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> AdvertiseAddress.resolve(Optional.empty(), dir.resolve("none")));
        assertTrue(e.getMessage().startsWith("no IPv4 default route"), e.getMessage());
    }
}
