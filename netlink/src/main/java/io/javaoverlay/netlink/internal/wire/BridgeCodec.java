package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.LinkAttrs;

/** {@code IFLA_INFO_KIND "bridge"}: no bridge options are modelled, so INFO_DATA stays empty. */
final class BridgeCodec implements LinkKindCodec<Bridge> {
    @Override
    public String kind() {
        return "bridge";
    }

    @Override
    public Class<Bridge> type() {
        return Bridge.class;
    }

    @Override
    public void encodeInfoData(Bridge spec, NlMsgBuilder b) {
        // Kernel defaults (STP off, ageing 300 s) are what a VXLAN overlay bridge wants.
    }

    @Override
    public Bridge decode(LinkAttrs common, NlAttrs linkAttrs, NlAttrs infoData) {
        return new Bridge(common);
    }
}
