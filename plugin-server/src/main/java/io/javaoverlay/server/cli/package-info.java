/**
 * {@code javaoverlay status|network|ipam|host}: the operator's client of the admin socket. Main
 * dispatches here before anything of the daemon is touched; the client uses the JDK's Unix-socket
 * channel (the plain {@code UnixHttpClient}) and Jackson trees, so neither Jersey nor Grizzly is
 * loaded and the command starts in a fraction of a second. Exit status: 0 ok/healthy, 1 degraded or
 * refused, 2 usage, 3 daemon unreachable.
 */
package io.javaoverlay.server.cli;
