package io.javaoverlay.server.status;

/**
 * Removes a dead host's records and frees its addresses. Today {@link StoreHostForgetter} does it
 * through the owning modules' store APIs; the dead-host collector is meant to implement it (the
 * same clean-up it does after the retention period, on demand).
 */
@FunctionalInterface
public interface HostForgetter {

    /**
     * Forgets {@code hostId}.
     *
     * @throws AdminException CONFLICT for a live host or this host, NOT_FOUND for an unknown one
     */
    StatusModel.ForgetReport forget(String hostId, boolean force);
}
