package io.javaoverlay.netlink;

import io.javaoverlay.types.MacAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One tc filter on the ingress of a device or of a shared filter block, matching the Ethernet
 * destination: a {@code u32} classifier at its own priority ({@code tc filter add ... ingress prio P
 * protocol all u32 match ether dst MAC}), either with the {@code mirred egress redirect} action to
 * another device, or with no action ({@code pass}: the frame goes on as if no filter matched, and no
 * later priority is tried).
 *
 * @param priority   1..65535, the order of evaluation (lower first); callers keep one filter per priority
 * @param dstMac     the destination matched; empty = every unicast destination (the group bit of the
 *                   first octet clear)
 * @param redirectTo ifindex the frame is redirected to (transmitted on); empty = pass
 */
public record IngressFilter(int priority, Optional<MacAddress> dstMac, OptionalInt redirectTo) {
    public IngressFilter {
        if (priority < 1 || priority > 0xffff) {
            throw new IllegalArgumentException("tc filter priority " + priority + " outside 1..65535");
        }
        Objects.requireNonNull(dstMac, "dstMac");
        Objects.requireNonNull(redirectTo, "redirectTo");
        if (redirectTo.isPresent() && redirectTo.getAsInt() <= 0) {
            throw new IllegalArgumentException("redirect target ifindex " + redirectTo.getAsInt());
        }
    }

    /** Frames to {@code mac} go on unfiltered. */
    public static IngressFilter pass(int priority, MacAddress mac) {
        return new IngressFilter(priority, Optional.of(mac), OptionalInt.empty());
    }

    /** Frames to {@code mac} are transmitted on device {@code ifindex}. */
    public static IngressFilter redirect(int priority, MacAddress mac, int ifindex) {
        return new IngressFilter(priority, Optional.of(mac), OptionalInt.of(ifindex));
    }

    /** Every unicast frame (not matched at a lower priority) is transmitted on device {@code ifindex}. */
    public static IngressFilter redirectUnicast(int priority, int ifindex) {
        return new IngressFilter(priority, Optional.empty(), OptionalInt.of(ifindex));
    }

    /** The same match and action, whatever the priority. */
    public boolean sameRule(IngressFilter o) {
        return dstMac.equals(o.dstMac) && redirectTo.equals(o.redirectTo);
    }

    @Override
    public String toString() {
        return "prio " + priority + " dst " + dstMac.map(MacAddress::toString).orElse("unicast")
                + (redirectTo.isPresent() ? " redirect ifindex " + redirectTo.getAsInt() : " pass");
    }
}
