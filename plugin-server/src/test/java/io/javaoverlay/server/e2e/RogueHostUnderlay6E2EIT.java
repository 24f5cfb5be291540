package io.javaoverlay.server.e2e;

/**
 * {@link RogueHostE2EIT} on an IPv6-only underlay ({@code testbed up --underlay6}): the hosts' VTEPs are
 * fd00:198:18::(10+i), the rogue is fd00:198:18::250, and the filter's IPv6 rule and set
 * ({@code vteps6}, counter {@code rogue6}) do the work. Containers stay IPv4.
 */
class RogueHostUnderlay6E2EIT extends RogueHostE2EIT {

    @Override
    Testbed.Underlay underlay() {
        return Testbed.Underlay.IPV6;
    }
}
