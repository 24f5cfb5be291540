package io.javaoverlay.ipam;

/** A request named a pool ID that no host has issued, or whose pool was released. Kind {@link Kind#NOT_FOUND}. */
public class PoolNotFoundException extends IpamException {
    public PoolNotFoundException(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
