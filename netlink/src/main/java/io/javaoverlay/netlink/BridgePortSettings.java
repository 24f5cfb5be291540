package io.javaoverlay.netlink;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-port switches of a Linux bridge (the {@code IFLA_BRPORT_*} flags under {@code IFLA_PROTINFO}).
 * Each is optional: in a request an empty value leaves the kernel's setting alone; read back from
 * the kernel every value the kernel reports is present. Build one with {@link #builder()}.
 * Equivalent to the flags of
 * {@code bridge link set dev DEV learning off flood off mcast_flood on bcast_flood on neigh_suppress on}.
 *
 * @param learning       IFLA_BRPORT_LEARNING: learn source MACs of frames received on the port ({@code learning})
 * @param unicastFlood   IFLA_BRPORT_UNICAST_FLOOD: flood unknown-unicast frames to the port ({@code flood})
 * @param mcastFlood     IFLA_BRPORT_MCAST_FLOOD: flood unknown-multicast frames to the port ({@code mcast_flood})
 * @param bcastFlood     IFLA_BRPORT_BCAST_FLOOD: flood broadcast frames to the port ({@code bcast_flood})
 * @param neighSuppress  IFLA_BRPORT_NEIGH_SUPPRESS: answer ARP/ND from the neighbour table instead of
 *                       flooding them to the port ({@code neigh_suppress})
 */
public record BridgePortSettings(Optional<Boolean> learning, Optional<Boolean> unicastFlood, Optional<Boolean> mcastFlood,
                                 Optional<Boolean> bcastFlood, Optional<Boolean> neighSuppress) {

    /** Nothing set: a request with it changes nothing. */
    public static final BridgePortSettings NONE = builder().build();

    public BridgePortSettings {
        learning = Objects.requireNonNullElse(learning, Optional.empty());
        unicastFlood = Objects.requireNonNullElse(unicastFlood, Optional.empty());
        mcastFlood = Objects.requireNonNullElse(mcastFlood, Optional.empty());
        bcastFlood = Objects.requireNonNullElse(bcastFlood, Optional.empty());
        neighSuppress = Objects.requireNonNullElse(neighSuppress, Optional.empty());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when no switch is set. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    /**
     * True when every switch set in {@code wanted} has the same value here; switches {@code wanted}
     * leaves empty are not compared. For checking a port read back against a request.
     */
    public boolean satisfies(BridgePortSettings wanted) {
        return matches(wanted.learning, learning) && matches(wanted.unicastFlood, unicastFlood)
                && matches(wanted.mcastFlood, mcastFlood) && matches(wanted.bcastFlood, bcastFlood)
                && matches(wanted.neighSuppress, neighSuppress);
    }

    private static boolean matches(Optional<Boolean> wanted, Optional<Boolean> actual) {
        return wanted.isEmpty() || wanted.equals(actual);
    }

    /** The iproute2 spelling, e.g. {@code learning off flood off}: what {@code bridge link set} would be given. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        learning.ifPresent(v -> parts.add("learning " + onOff(v)));
        unicastFlood.ifPresent(v -> parts.add("flood " + onOff(v)));
        mcastFlood.ifPresent(v -> parts.add("mcast_flood " + onOff(v)));
        bcastFlood.ifPresent(v -> parts.add("bcast_flood " + onOff(v)));
        neighSuppress.ifPresent(v -> parts.add("neigh_suppress " + onOff(v)));
        return String.join(" ", parts);
    }

    private static String onOff(boolean v) {
        return v ? "on" : "off";
    }

    /** Builds {@link BridgePortSettings}; every switch starts unset. */
    public static final class Builder {
        private Optional<Boolean> learning = Optional.empty();
        private Optional<Boolean> unicastFlood = Optional.empty();
        private Optional<Boolean> mcastFlood = Optional.empty();
        private Optional<Boolean> bcastFlood = Optional.empty();
        private Optional<Boolean> neighSuppress = Optional.empty();

        private Builder() {}

        /** {@code learning on|off}. */
        public Builder learning(boolean on) {
            learning = Optional.of(on);
            return this;
        }

        /** {@code flood on|off} (unknown unicast). */
        public Builder unicastFlood(boolean on) {
            unicastFlood = Optional.of(on);
            return this;
        }

        /** {@code mcast_flood on|off}. */
        public Builder mcastFlood(boolean on) {
            mcastFlood = Optional.of(on);
            return this;
        }

        /** {@code bcast_flood on|off}. */
        public Builder bcastFlood(boolean on) {
            bcastFlood = Optional.of(on);
            return this;
        }

        /** {@code neigh_suppress on|off}. */
        public Builder neighSuppress(boolean on) {
            neighSuppress = Optional.of(on);
            return this;
        }

        public BridgePortSettings build() {
            return new BridgePortSettings(learning, unicastFlood, mcastFlood, bcastFlood, neighSuppress);
        }
    }
}
