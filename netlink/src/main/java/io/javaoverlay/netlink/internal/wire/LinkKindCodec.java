package io.javaoverlay.netlink.internal.wire;

import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;

/**
 * Encodes and decodes the kind-specific part of a link: the contents of {@code IFLA_INFO_DATA}
 * under {@code IFLA_LINKINFO}. One implementation per {@code IFLA_INFO_KIND}, registered in
 * {@link LinkCodec}; adding a kind is one codec, one fixture and one IT.
 *
 * @param <T> the model type
 */
public interface LinkKindCodec<T extends Link> {
    /** The kernel's {@code IFLA_INFO_KIND} string. */
    String kind();

    /** The model record this codec handles. */
    Class<T> type();

    /**
     * Writes the attributes that go inside {@code IFLA_INFO_DATA}; the caller opens and closes the
     * nest, and drops it when nothing was written.
     */
    void encodeInfoData(T spec, NlMsgBuilder b);

    /**
     * Builds the model from the common attributes, the raw {@code IFLA_*} attributes of the message
     * and the parsed {@code IFLA_INFO_DATA} nest (empty attributes when the kernel sent none).
     */
    T decode(LinkAttrs common, NlAttrs linkAttrs, NlAttrs infoData);
}
