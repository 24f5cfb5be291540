package io.javaoverlay.server.testing;

import io.javaoverlay.server.RunningServices;
import io.javaoverlay.server.ServicesGate;
import io.javaoverlay.server.resource.Services;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * JUnit extension: the plugin API on a fresh Unix socket per test, over fake IPAM and network
 * services the test scripts and inspects. Register it with
 * {@code @RegisterExtension final FakePlugin fake = FakePlugin.direct(1 << 20);}.
 */
public final class FakePlugin implements BeforeEachCallback, AfterEachCallback {
    public final FakeIpamService ipam = new FakeIpamService();
    public final FakeClusterService network = new FakeClusterService(ipam);
    private final boolean gated;
    private final String socketName;
    private final long maxBodyBytes;
    private Path dir;
    private PluginSocket plugin;

    private FakePlugin(boolean gated, String socketName, long maxBodyBytes) {
        this.gated = gated;
        this.socketName = socketName;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The fakes handed to the resources directly ({@link Services#of}). */
    public static FakePlugin direct(String socketName, long maxBodyBytes) {
        return new FakePlugin(false, socketName, maxBodyBytes);
    }

    /** The fakes behind an open {@link ServicesGate}, as the daemon hands out its services. */
    public static FakePlugin gated(long maxBodyBytes) {
        return new FakePlugin(true, "javaoverlay.sock", maxBodyBytes);
    }

    /** The served socket of the current test. */
    public PluginSocket plugin() {
        return plugin;
    }

    /** The fakes as the resources see them (ungated). */
    public Services services() {
        return Services.of(ipam, network);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("jo-plugin-");
        Services s = services();
        if (gated) {
            ServicesGate gate = new ServicesGate();
            gate.open(new RunningServices(ipam, network, List.of()));
            s = gate;
        }
        plugin = PluginSocket.serve(dir.resolve(socketName), s, "local", maxBodyBytes);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            plugin.close();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
