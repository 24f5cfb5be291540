package io.javaoverlay.netlink;

import java.io.Closeable;
import java.util.Map;

/**
 * A handle on generic netlink ({@code NETLINK_GENERIC}) bound to one network namespace: family
 * look-up through the controller and the ethtool family's offload features. Opened with
 * {@link Netlink#openGenl()} or {@link Netlink#openGenlIn(NetNs)}. Thread-safe: requests on one
 * handle are serialised. Devices are named, as ethtool names them.
 */
public interface GenlHandle extends Closeable {

    /**
     * Resolves a family name to its id and version. Equivalent to {@code genl ctrl get name NAME}.
     *
     * @throws NotFoundException if no such family is registered (the kernel lacks it)
     */
    GenlFamily familyByName(String name) throws NetlinkException;

    /**
     * The offload features of a device. Equivalent to {@code ethtool -k DEV}.
     *
     * @throws NotFoundException if there is no such device
     */
    EthtoolFeatures featuresGet(String device) throws NetlinkException;

    /**
     * Asks for features on or off, by kernel feature name ({@code rx-gro}, not ethtool's alias
     * {@code gro}), and returns the features read back. The kernel accepts the request even when
     * it cannot honour it (a {@link EthtoolFeatures.Feature#fixed() fixed} feature, or one that
     * depends on another), so compare the result with what was asked. Equivalent to
     * {@code ethtool -K DEV rx-gro on rx-udp-gro-forwarding on}.
     *
     * @throws IllegalArgumentException if a name is not a feature of this kernel (nothing is sent)
     * @throws NotFoundException if there is no such device
     */
    EthtoolFeatures featuresSet(String device, Map<String, Boolean> wanted) throws NetlinkException;

    /** The namespace this handle operates in. */
    NetNs namespace();

    @Override
    void close();
}
