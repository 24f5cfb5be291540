/**
 * JAX-RS resources, one class per plugin subsystem ({@code Plugin}, {@code NetworkDriver},
 * {@code IpamDriver}), plus the request filter and the single error mapper. This is the boundary
 * where Docker's JSON strings become domain values ({@code IpPrefix}, {@code MacAddress}) and
 * domain exceptions become {@code {"Err": ...}} responses.
 */
package io.javaoverlay.server.resource;
