package io.javaoverlay.server.e2e;

/** {@link MultiHostDockerSuite} on three Docker 28 hosts (Debian forky/sid build, today's Docker). */
class MultiHostDocker28IT extends MultiHostDockerSuite {

    @Override
    Testbed.DockerVersion dockerVersion() {
        return Testbed.DockerVersion.V28;
    }
}
