package io.javaoverlay.server.e2e;

/** {@link MultiHostDockerSuite} on three Docker 26 hosts (Debian trixie build). */
class MultiHostDocker26IT extends MultiHostDockerSuite {

    @Override
    Testbed.DockerVersion dockerVersion() {
        return Testbed.DockerVersion.V26;
    }
}
