package dev.atoll.model.agent;

import java.util.Objects;

/**
 * A live migration of a micro-VM, as its two node agents see it: the destination ({@link
 * Role#INCOMING}) starts the VM waiting for its memory and listens on {@code address:port}; the
 * source ({@link Role#OUTGOING}) sends the running VM's memory there while the guest runs. The
 * destination reports the instance running once the memory arrived; a migration that fails leaves
 * the source running.
 */
public record Migration(Role role, String address, int port) {
    public enum Role {
        INCOMING,
        OUTGOING
    }

    public Migration {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(address, "address");
        if (port <= 0 || port > 65_535) throw new IllegalArgumentException("port out of range: " + port);
    }

    /** host:port, as QEMU's tcp: URIs take it. */
    public String endpoint() {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
}
