/**
 * A minimal Docker Engine API client over the host's Unix socket (JDK {@code SocketChannel}, HTTP/1.1,
 * Content-Length, chunked or close-delimited bodies, a deadline per call), with the few calls the
 * network replicator needs. Unversioned paths: dockerd answers in its own API version, and the
 * fields used are stable since API 1.21.
 */
package io.javaoverlay.server.docker;
