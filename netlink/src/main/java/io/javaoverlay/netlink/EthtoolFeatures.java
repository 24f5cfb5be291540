package io.javaoverlay.netlink;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A device's offload features as ethtool-netlink reports them (ETHTOOL_MSG_FEATURES_GET), keyed by
 * the kernel's feature names ({@code rx-gro}, {@code rx-udp-gro-forwarding}, {@code tx-udp-segmentation}...)
 * in feature-bit order. ethtool shows a few under older names: {@code generic-receive-offload} is
 * {@code rx-gro}, {@code generic-segmentation-offload} is {@code tx-generic-segmentation}.
 * Equivalent to {@code ethtool -k DEV}.
 *
 * @param device   the interface name
 * @param features every feature the kernel knows, by name
 */
public record EthtoolFeatures(String device, Map<String, Feature> features) {
    public EthtoolFeatures {
        Objects.requireNonNull(device, "device");
        features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }

    /**
     * One feature bit of a device.
     *
     * @param hw       the driver lets the user change it (ETHTOOL_A_FEATURES_HW)
     * @param wanted   the user asked for it (ETHTOOL_A_FEATURES_WANTED)
     * @param active   it is on (ETHTOOL_A_FEATURES_ACTIVE)
     * @param nochange it can never change (ETHTOOL_A_FEATURES_NOCHANGE)
     */
    public record Feature(String name, boolean hw, boolean wanted, boolean active, boolean nochange) {
        public Feature {
            Objects.requireNonNull(name, "name");
        }

        /** What ethtool marks {@code [fixed]}: not changeable by the user. */
        public boolean fixed() {
            return !hw || nochange;
        }
    }

    /** The feature of that kernel name, if the kernel knows it. */
    public Optional<Feature> feature(String name) {
        return Optional.ofNullable(features.get(name));
    }

    /** True when the named feature is on ({@code ethtool -k} prints {@code NAME: on}); false for unknown names. */
    public boolean isActive(String name) {
        return feature(name).map(Feature::active).orElse(false);
    }
}
