package io.javaoverlay.server.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A machine on the testbed's underlay that is not a cluster member ({@code testbed rogue up}): the
 * network namespace {@code PREFIX-rogue}, plugged into the underlay bridge like a host, with
 * 198.18.0.250/24 (fd00:198:18::250/64 with an IPv6 underlay), and no dockerd, no plugin, no record in
 * the store. It can reach every host's VXLAN port, which is what an ingress filter must cope with.
 * Obtain one with {@link Testbed#rogue()}; {@link #close()} removes it ({@code testbed rogue down}),
 * and {@code testbed down} removes it anyway.
 */
public final class RogueHost implements AutoCloseable {

    /** The rogue's IPv4 underlay address. */
    public static final String IP4 = "198.18.0.250";
    /** The rogue's IPv6 underlay address (with {@link Testbed.Underlay#IPV6}). */
    public static final String IP6 = "fd00:198:18::250";
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Testbed.Underlay underlay;
    private boolean closed;

    RogueHost(Testbed.Underlay underlay) {
        this.underlay = underlay;
    }

    /** The rogue's underlay address, in the testbed's family. */
    public String ip() {
        return underlay == Testbed.Underlay.IPV6 ? IP6 : IP4;
    }

    /**
     * Runs a command in the rogue's network namespace ({@code testbed rogue exec CMD...}); the files it
     * sees are the machine's (the repository, python3).
     *
     * @return its result, whatever the exit status
     */
    public Testbed.Result exec(String... command) {
        List<String> args = new ArrayList<>(List.of("rogue", "exec"));
        args.addAll(Arrays.asList(command));
        return Testbed.run(args, TIMEOUT);
    }

    /** Removes the rogue's namespace and its port on the underlay bridge; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Testbed.run(List.of("rogue", "down"), TIMEOUT).requireOk();
    }
}
