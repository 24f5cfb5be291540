package io.javaoverlay.server.e2e;

/**
 * {@link MultiHostDockerSuite} on three Docker 20.10 hosts that have a cluster store, with the
 * plugin in its default {@code --scope local}: dockerd keeps the network in its local store and
 * javaoverlay replicates it, as on Docker 24+ (the configuration {@code bench/e2e-bench.sh --scope
 * local} measures).
 */
class MultiHostDocker20IT extends MultiHostDockerSuite {

    @Override
    Testbed.DockerVersion dockerVersion() {
        return Testbed.DockerVersion.V20;
    }
}
