/**
 * The floor of javaoverlay, as libnetwork's {@code types} package is for Docker's drivers: values
 * and the error model every module shares, with no dependency beyond the JDK. Netlink and kvstore
 * stand on it and on nothing else of javaoverlay; ipam, vxlan and plugin-server above them.
 *
 * <ul>
 *   <li>{@link io.javaoverlay.types.OverlayException}: the one domain failure, with its
 *       {@link io.javaoverlay.types.OverlayException.Kind}.</li>
 *   <li>{@link io.javaoverlay.types.IpAddress}, {@link io.javaoverlay.types.IpPrefix},
 *       {@link io.javaoverlay.types.MacAddress}: strict, purely textual parsers (no DNS, no legacy
 *       forms) and the CIDR arithmetic the IPAM needs. Strings exist only at the edges: Docker's
 *       JSON, the store's JSON records, the kernel's bytes.</li>
 * </ul>
 */
package io.javaoverlay.types;
