package io.javaoverlay.netlink.internal;

import static io.javaoverlay.netlink.internal.wire.Genl.*;

import io.javaoverlay.netlink.EthtoolFeatures;
import io.javaoverlay.netlink.GenlFamily;
import io.javaoverlay.netlink.GenlHandle;
import io.javaoverlay.netlink.NetNs;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.internal.wire.Errors;
import io.javaoverlay.netlink.internal.wire.EthtoolCodec;
import io.javaoverlay.netlink.internal.wire.GenlCodec;
import io.javaoverlay.netlink.internal.wire.NetlinkSocket;
import io.javaoverlay.netlink.internal.wire.NlMessage;
import io.javaoverlay.netlink.internal.wire.NlMsgBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link GenlHandle} over one NETLINK_GENERIC {@link NetlinkSocket}. The ethtool family id and the
 * feature names (ETH_SS_FEATURES) are looked up on first use and kept: both are fixed for the life
 * of the running kernel.
 */
public final class GenlClient implements GenlHandle {
    private final NetlinkSocket socket;
    private final NetNs namespace;
    private Integer ethtoolId;
    private List<String> featureNames;

    public GenlClient(NetlinkSocket socket, NetNs namespace) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.namespace = namespace;
    }

    private <T> T single(NlMsgBuilder req, String op, Function<NlMessage, Optional<T>> decode) throws NetlinkException {
        for (NlMessage m : socket.request(req, op)) {
            Optional<T> v = decode.apply(m);
            if (v.isPresent()) {
                return v.get();
            }
        }
        throw Errors.local(op, "the kernel's reply held no answer");
    }

    @Override
    public GenlFamily familyByName(String name) throws NetlinkException {
        Objects.requireNonNull(name, "name");
        // GENL_NAMSIZ is 16 with the NUL; nlctrl answers a longer name with EINVAL, not ENOENT
        if (name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > GENL_NAMSIZ - 1) {
            throw new IllegalArgumentException("invalid generic netlink family name '" + name + "': 1..15 bytes");
        }
        return single(GenlCodec.encodeGetFamily(name), "CTRL_CMD_GETFAMILY " + name, GenlCodec::decodeFamily);
    }

    private synchronized int ethtool() throws NetlinkException {
        if (ethtoolId == null) {
            ethtoolId = familyByName(ETHTOOL_GENL_NAME).id();
        }
        return ethtoolId;
    }

    private synchronized List<String> names() throws NetlinkException {
        if (featureNames == null) {
            int id = ethtool();
            featureNames = List.copyOf(single(EthtoolCodec.encodeStrsetFeatures(id), "ETHTOOL_MSG_STRSET_GET ETH_SS_FEATURES",
                    m -> EthtoolCodec.decodeStrsetFeatures(m, id)));
        }
        return featureNames;
    }

    @Override
    public EthtoolFeatures featuresGet(String device) throws NetlinkException {
        Objects.requireNonNull(device, "device");
        int id = ethtool();
        List<String> names = names();
        return single(EthtoolCodec.encodeFeaturesGet(id, device), "ETHTOOL_MSG_FEATURES_GET " + device,
                m -> EthtoolCodec.decodeFeatures(m, id, names));
    }

    @Override
    public EthtoolFeatures featuresSet(String device, Map<String, Boolean> wanted) throws NetlinkException {
        Objects.requireNonNull(device, "device");
        Map<String, Boolean> copy = new LinkedHashMap<>(wanted);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("ethtool features of " + device + ": nothing to change");
        }
        List<String> unknown = EthtoolCodec.unknown(copy, names());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("ethtool features of " + device + ": " + unknown
                    + " are not feature names of this kernel (use kernel names, e.g. rx-gro rather than gro)");
        }
        // The kernel answers with a FEATURES_SET reply listing what differs from the request; reading
        // the features back gives the whole picture in one shape.
        socket.request(EthtoolCodec.encodeFeaturesSet(ethtool(), device, copy), "ETHTOOL_MSG_FEATURES_SET " + device + " " + copy);
        return featuresGet(device);
    }

    @Override
    public NetNs namespace() {
        return namespace;
    }

    @Override
    public void close() {
        socket.close();
        if (namespace != null) {
            namespace.close();
        }
    }
}
