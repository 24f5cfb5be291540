/**
 * Docker plugin protocol DTOs (records named {@code <Endpoint>Request}/{@code <Endpoint>Response},
 * Docker's JSON names via {@code @JsonProperty}) and the Jackson configuration. Nothing here knows
 * the domain services; conversion happens in {@code io.javaoverlay.server.resource}.
 */
package io.javaoverlay.server.protocol;
