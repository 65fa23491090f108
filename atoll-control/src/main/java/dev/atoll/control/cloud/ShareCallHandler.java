package dev.atoll.control.cloud;

import dev.atoll.control.federation.CallBodies;
import dev.atoll.wire.CallFailedException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Answers {@link ShareCalls} from other sites' APIs with this site's own share. */
public final class ShareCallHandler {
    /** A log chunk must fit a frame with room to spare. */
    private static final int MAX_LOG_CHUNK = 4 << 20;

    private final SiteShare local;

    public ShareCallHandler(SiteShare local) {
        this.local = local;
    }

    public static boolean serves(String method) {
        return method.startsWith("share.");
    }

    public CompletableFuture<byte[]> handle(String method, byte[] body) {
        return switch (method) {
            case ShareCalls.PART -> local.part().thenApply(CallBodies::write);
            case ShareCalls.LINKS -> local.links().thenApply(links -> CallBodies.write(new ShareCalls.Links(links)));
            case ShareCalls.PUT ->
                local.put(CallBodies.request(body, ShareCalls.Put.class).spec()).thenApply(CallBodies::write);
            case ShareCalls.DELETE -> {
                var delete = CallBodies.request(body, ShareCalls.Delete.class);
                yield local.delete(delete.tenant(), delete.environment()).thenApply(v -> CallBodies.write(Map.of()));
            }
            case ShareCalls.READ_LOG -> {
                var read = CallBodies.request(body, ShareCalls.ReadLog.class);
                yield local.readLog(
                                read.tenant(),
                                read.instanceId(),
                                Math.max(0, read.offset()),
                                Math.clamp(read.maxBytes(), 0, MAX_LOG_CHUNK))
                        .thenApply(bytes -> CallBodies.write(
                                new ShareCalls.LogChunk(bytes.isPresent(), bytes.orElse(new byte[0]))));
            }
            default ->
                CompletableFuture.failedFuture(
                        new CallFailedException(CallFailedException.Reason.UNKNOWN_METHOD, "no method " + method));
        };
    }
}
