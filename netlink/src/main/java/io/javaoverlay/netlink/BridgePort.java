package io.javaoverlay.netlink;

import java.util.Objects;

/**
 * A link enslaved to a bridge, as the bridge reports it (an AF_BRIDGE RTM_NEWLINK carrying
 * {@code IFLA_PROTINFO}). Equivalent to one entry of {@code bridge -d link show}.
 *
 * @param index       the port's ifindex
 * @param name        the port's name
 * @param masterIndex ifindex of the bridge
 * @param state       STP port state, {@code BR_STATE_*} (linux/if_bridge.h): 0 disabled, 1 listening,
 *                    2 learning, 3 forwarding, 4 blocking
 * @param settings    the port switches; every one the kernel reported is present
 */
public record BridgePort(int index, String name, int masterIndex, int state, BridgePortSettings settings) {
    /** BR_STATE_DISABLED: the port or its carrier is down. */
    public static final int BR_STATE_DISABLED = 0;
    /** BR_STATE_FORWARDING: frames pass. */
    public static final int BR_STATE_FORWARDING = 3;

    public BridgePort {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
    }

    /** True in STP state forwarding ({@code bridge link show} prints {@code state forwarding}). */
    public boolean isForwarding() {
        return state == BR_STATE_FORWARDING;
    }
}
