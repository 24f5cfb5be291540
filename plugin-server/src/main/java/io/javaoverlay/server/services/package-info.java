/**
 * Consul service registration of labelled containers (registrator's job, with overlay addresses).
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li>{@link io.javaoverlay.server.services.ServiceDefinitions} turns a container's labels and
 *       environment ({@code javaoverlay.service*}, registrator's {@code SERVICE_*}) into
 *       registrations with deterministic IDs {@code javaoverlay:<host>:<container12>:<port>}.</li>
 *   <li>{@link io.javaoverlay.server.services.ServiceRegistrar} reconciles the agent's services of
 *       this host (by {@code Meta.javaoverlay-host}) with that desired set after every update and
 *       every TTL/3, keeping each TTL check at the container's health; a restart converges with no
 *       duplicates or orphans; the dead-host path removes another host's services through the
 *       agent (same node) or the catalog (other nodes).</li>
 *   <li>Consul is reached only through {@link io.javaoverlay.kvstore.ServiceCatalog}; Ecwid types
 *       stay in {@code kvstore.consul}.</li>
 * </ul>
 */
package io.javaoverlay.server.services;
