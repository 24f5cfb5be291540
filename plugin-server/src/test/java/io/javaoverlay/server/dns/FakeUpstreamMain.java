package io.javaoverlay.server.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Runs a {@link FakeUpstream} on {@code ADDRESS PORT} until killed: the testbed's "host resolver"
 * for the end-to-end test (started in the rogue namespace, which every host reaches). A single-label
 * name gets NXDOMAIN, any other A query {@value FakeUpstream#ANSWER}.
 */
public final class FakeUpstreamMain {
    private FakeUpstreamMain() {
    }

    public static void main(String[] args) throws Exception {
        try (FakeUpstream u = new FakeUpstream(new InetSocketAddress(InetAddress.getByName(args[0]),
                Integer.parseInt(args[1])))) {
            System.out.println("fake upstream resolver on " + args[0] + ":" + args[1]);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
