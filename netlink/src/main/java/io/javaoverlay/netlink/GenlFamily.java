package io.javaoverlay.netlink;

import java.util.Map;
import java.util.Objects;

/**
 * A generic netlink family as the controller (nlctrl) reports it. Family ids other than nlctrl's own
 * are allocated when the family registers, so they must be looked up on every machine.
 * Equivalent to the output of {@code genl ctrl get name NAME}.
 *
 * @param id          the family id: the nlmsg_type of its requests
 * @param name        the family name, e.g. {@code ethtool}
 * @param version     the family's protocol version
 * @param hdrSize     bytes of family header after the genlmsghdr (0 for most)
 * @param maxAttr     the highest attribute id the family accepts; 0 for a family with per-command
 *                    policies (ethtool on 6.18)
 * @param mcastGroups multicast group name → group id
 */
public record GenlFamily(int id, String name, int version, int hdrSize, int maxAttr, Map<String, Integer> mcastGroups) {
    public GenlFamily {
        Objects.requireNonNull(name, "name");
        mcastGroups = Map.copyOf(Objects.requireNonNullElse(mcastGroups, Map.of()));
    }
}
