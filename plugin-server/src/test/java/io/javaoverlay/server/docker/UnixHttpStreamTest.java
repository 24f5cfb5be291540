package io.javaoverlay.server.docker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A never-ending chunked response read line by line. */
class UnixHttpStreamTest {
    @TempDir
    Path dir;
    private FakeDockerServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private UnixHttpStream open(Function<FakeDockerServer.Request, byte[]> handler) throws Exception {
        server = new FakeDockerServer(dir.resolve("d.sock"), handler);
        return UnixHttpStream.open(dir.resolve("d.sock"), "/events", Duration.ofSeconds(2));
    }

    private void raw(String s) throws Exception {
        SocketChannel c = server.streams.get(0);
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    @Test
    void anIdleStreamOutlivesShortWaitsAndThenDeliversLines() throws Exception {
        try (UnixHttpStream s = open(r -> FakeDockerServer.STREAM)) {
            assertEquals(200, s.status());
            for (int i = 0; i < 3; i++) {
                assertEquals(Optional.empty(), s.readLine(Duration.ofMillis(30)), "idle is not an error");
            }
            server.emit("{\"Action\":\"connect\"}");
            assertEquals(Optional.of("{\"Action\":\"connect\"}"), s.readLine(Duration.ofSeconds(5)));
        }
    }

    @Test
    void linesAreSplitAcrossChunksAndChunksHoldSeveralLines() throws Exception {
        try (UnixHttpStream s = open(r -> FakeDockerServer.STREAM)) {
            raw("4\r\n{\"a\"\r\n");
            raw("a\r\n:1}\n{\"b\":2\r\n");
            raw("4;ext=1\r\n}\r\n\n\r\n");
            assertEquals(Optional.of("{\"a\":1}"), s.readLine(Duration.ofSeconds(5)));
            assertEquals(Optional.of("{\"b\":2}"), s.readLine(Duration.ofSeconds(5)));
            assertEquals(Optional.of(""), s.readLine(Duration.ofSeconds(5)));
            raw("0\r\n\r\n");
            assertThrows(EOFException.class, () -> s.readLine(Duration.ofSeconds(5)), "the last chunk ends it");
        }
    }

    @Test
    void aClosedConnectionEndsTheStream() throws Exception {
        try (UnixHttpStream s = open(r -> FakeDockerServer.STREAM)) {
            server.dropStreams();
            assertThrows(EOFException.class, () -> s.readLine(Duration.ofSeconds(5)));
        }
    }

    @Test
    void wakeupReturnsEarly() throws Exception {
        try (UnixHttpStream s = open(r -> FakeDockerServer.STREAM)) {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                s.wakeup();
            });
            t.start();
            assertEquals(Optional.empty(), s.readLine(Duration.ofMinutes(5)));
            t.join();
        }
    }

    @Test
    void anErrorStatusCarriesDockersMessage() {
        DockerApiException e = assertThrows(DockerApiException.class,
                () -> open(r -> FakeDockerServer.json(400, "{\"message\":\"invalid filter 'x'\"}")));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("invalid filter 'x'"), e.getMessage());
    }

    @Test
    void headersThatNeverComeTimeOut() throws Exception {
        server = new FakeDockerServer(dir.resolve("d.sock"), r -> null);
        assertThrows(SocketTimeoutException.class,
                () -> UnixHttpStream.open(dir.resolve("d.sock"), "/events", Duration.ofMillis(200)));
    }

    @Test
    void aMissingSocketFailsAtOnce() {
        assertThrows(java.io.IOException.class,
                () -> UnixHttpStream.open(dir.resolve("none.sock"), "/events", Duration.ofSeconds(2)));
    }
}
