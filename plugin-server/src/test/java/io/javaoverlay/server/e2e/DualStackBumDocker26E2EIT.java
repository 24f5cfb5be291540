package io.javaoverlay.server.e2e;

/** {@link DualStackBumSuite} on three Docker 26 hosts with an IPv4 underlay (issue 16's "Done when"). */
class DualStackBumDocker26E2EIT extends DualStackBumSuite {

    @Override
    Testbed.DockerVersion dockerVersion() {
        return Testbed.DockerVersion.V26;
    }
}
