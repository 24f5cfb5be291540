package io.javaoverlay.server.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Second opinion before a silent host is declared DEAD: does its machine answer on the underlay?
 * {@link IcmpProber} is the real one; unit tests fake it.
 */
@FunctionalInterface
public interface VtepProber {
    /**
     * Probes {@code vtep} once, waiting at most {@code timeout}.
     *
     * @return true if it answered
     * @throws IOException if the probe could not be sent (counted as a failed probe)
     */
    boolean reachable(InetAddress vtep, Duration timeout) throws IOException;
}
