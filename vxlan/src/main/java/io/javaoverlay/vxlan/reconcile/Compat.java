package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.Vxlan;

import io.javaoverlay.types.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compatibility checks shared by the planner (on the dump) and the applier (on EEXIST read-back):
 * an existing device either fits, or there is a human-readable reason to recreate it.
 * MTU and alias differences are not reasons: they are fixed in place.
 */
public final class Compat {
    private Compat() {}

    /** Why {@code actual} cannot serve as the bridge, or empty if it can. */
    public static Optional<String> bridgeIncompat(Link actual) {
        if (!(actual instanceof Bridge)) {
            return Optional.of(actual.name() + " is a '" + actual.kind() + "' device, not a bridge");
        }
        return Optional.empty();
    }

    /** Why {@code actual} cannot serve as the vxlan device {@code want}, or empty if it can. */
    public static Optional<String> vxlanIncompat(Link actual, Action.CreateVxlan want) {
        if (!(actual instanceof Vxlan vx)) {
            return Optional.of(actual.name() + " is a '" + actual.kind() + "' device, not vxlan");
        }
        List<String> diffs = new ArrayList<>();
        if (vx.vni() != want.vni()) {
            diffs.add("VNI " + vx.vni() + " instead of " + want.vni());
        }
        if (!vx.local().map(want.local()::equals).orElse(false)) {
            diffs.add("local " + vx.local().map(IpAddress::toString).orElse("none") + " instead of "
                    + want.local());
        }
        if (vx.port() != want.port()) {
            diffs.add("port " + vx.port() + " instead of " + want.port());
        }
        if (vx.learning()) {
            diffs.add("learning on");
        }
        if (!vx.proxy()) {
            diffs.add("proxy off");
        }
        if (want.underlayIndex() != 0 && vx.underlayIndex() != want.underlayIndex()) {
            diffs.add("underlay ifindex " + vx.underlayIndex() + " instead of " + want.underlayIndex());
        }
        return diffs.isEmpty() ? Optional.empty() : Optional.of(actual.name() + " has " + String.join(", ", diffs));
    }

    /**
     * Why a device named like ours cannot be taken over: a non-javaoverlay alias marks it as
     * someone else's. Empty when the alias is absent (a half-created device of ours) or ours.
     */
    public static Optional<String> foreignOwner(Link actual) {
        Optional<String> alias = actual.attrs().alias();
        if (alias.isPresent() && !alias.get().isEmpty() && !alias.get().startsWith(DeviceNames.ALIAS_PREFIX)) {
            return Optional.of(actual.name() + " exists and belongs to someone else (alias '" + alias.get() + "')");
        }
        return Optional.empty();
    }
}
