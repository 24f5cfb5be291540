package io.javaoverlay.server.docker;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The few Docker Engine API calls javaoverlay makes on its own host. Never call these from a
 * plugin request handler: dockerd may be waiting for that very handler (and while dockerd starts,
 * its API is not served yet), so a call back into it can deadlock. {@link DockerClient} is the
 * real implementation; tests use fakes.
 */
public interface DockerApi {

    /** {@code GET /_ping}. @throws IOException when dockerd does not answer */
    void ping() throws IOException;

    /** {@code GET /networks?filters={"driver":[driver]}}: the summary form (no containers). */
    List<DockerNetwork> listNetworks(String driver) throws IOException;

    /** {@code GET /networks/ID}: the full form, with the attached containers; empty if unknown. */
    Optional<DockerNetwork> inspectNetwork(String idOrName) throws IOException;

    /**
     * {@code POST /networks/create}. Returns the new network's ID.
     *
     * @throws DockerApiException with Docker's message when refused (409 name taken, 500 plugin error)
     */
    String createNetwork(NetworkCreate request) throws IOException;

    /**
     * {@code DELETE /networks/ID}; an unknown network succeeds.
     *
     * @throws DockerApiException with Docker's message when refused (e.g. active endpoints)
     */
    void removeNetwork(String id) throws IOException;
}
