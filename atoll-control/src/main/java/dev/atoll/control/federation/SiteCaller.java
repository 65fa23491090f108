package dev.atoll.control.federation;

import dev.atoll.wire.CallFailedException;
import dev.atoll.wire.Failures;
import dev.atoll.wire.Hello;
import dev.atoll.wire.WireCaller;
import dev.atoll.wire.WireSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls another site: tries its controllers' addresses (from {@link SitePeers}) in turn, moving on
 * from one that is unreachable or not the leader. One {@link WireCaller} per address, kept.
 */
public final class SiteCaller implements AutoCloseable {
    private final SitePeers peers;
    private final Hello hello;
    private final WireSettings settings;
    private final dev.atoll.wire.tls.WireTls tls;
    private final Map<InetSocketAddress, WireCaller> callers = new ConcurrentHashMap<>();

    /** @param hello how this site introduces itself (its name and this controller's id) */
    public SiteCaller(SitePeers peers, Hello hello, WireSettings settings) {
        this(peers, hello, settings, null);
    }

    /** The same over mutually authenticated TLS by {@code tls} (null: plain TCP). */
    public SiteCaller(SitePeers peers, Hello hello, WireSettings settings, dev.atoll.wire.tls.WireTls tls) {
        this.tls = tls;
        this.peers = peers;
        this.hello = hello;
        this.settings = settings;
    }

    public CompletableFuture<byte[]> call(String site, String method, byte[] body, Duration timeout) {
        List<InetSocketAddress> addresses = peers.wireAddresses(site);
        if (addresses.isEmpty()) {
            return CompletableFuture.failedFuture(new CallFailedException(
                    CallFailedException.Reason.UNREACHABLE, "no address known for site " + site));
        }
        return attempt(site, addresses, 0, method, body, timeout);
    }

    private CompletableFuture<byte[]> attempt(
            String site, List<InetSocketAddress> addresses, int index, String method, byte[] body, Duration timeout) {
        InetSocketAddress address = addresses.get(index);
        WireCaller caller = callers.computeIfAbsent(
                address, a -> new WireCaller("site " + site + " at " + a, a, hello, settings, 1024, tls));
        return caller.call(method, body, timeout)
                .handle((answer, error) -> {
                    if (error == null) return CompletableFuture.completedFuture(answer);
                    Throwable cause = Failures.unwrap(error);
                    boolean tryNext = index + 1 < addresses.size()
                            && cause instanceof CallFailedException failed
                            && (failed.reason() == CallFailedException.Reason.UNREACHABLE
                                    || String.valueOf(failed.getMessage()).contains(SiteCalls.NOT_LEADER));
                    if (tryNext) return attempt(site, addresses, index + 1, method, body, timeout);
                    return CompletableFuture.<byte[]>failedFuture(cause);
                })
                .thenCompose(f -> f);
    }

    @Override
    public void close() {
        callers.values().forEach(WireCaller::close);
    }
}
