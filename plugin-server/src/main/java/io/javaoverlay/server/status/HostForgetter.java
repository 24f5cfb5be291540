package io.javaoverlay.server.status;

/**
 * Removes a dead host's records and frees its addresses: {@link CollectorForgetter}, the dead-host
 * collector's clean-up (the one it does after the retention period) on demand.
 */
@FunctionalInterface
public interface HostForgetter {

    /**
     * Forgets {@code hostId}.
     *
     * @throws OverlayException CONFLICT for a live host or this host, NOT_FOUND for an unknown one
     */
    StatusModel.ForgetReport forget(String hostId, boolean force);
}
