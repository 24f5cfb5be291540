package io.javaoverlay.server.protocol;

/**
 * The legacy plugin handshake's endpoint path (without the leading {@code /}), spelled as Docker's
 * plugin client posts it. The resource's {@code @Path}, its messages and the tests use this constant.
 */
public final class PluginApi {
    private PluginApi() {
    }

    /** {@code /Plugin.Activate}: which subsystems the plugin implements. */
    public static final String ACTIVATE = "Plugin.Activate";
}
