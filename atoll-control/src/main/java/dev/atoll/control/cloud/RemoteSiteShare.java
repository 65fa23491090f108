package dev.atoll.control.cloud;

import dev.atoll.control.federation.CallBodies;
import dev.atoll.control.federation.SiteCaller;
import dev.atoll.model.spec.EnvironmentSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Another site's share of the cloud, asked over the wire protocol ({@link ShareCalls}). */
public final class RemoteSiteShare implements SiteShare {
    private static final Duration READ = FederatedCloud.READ_TIMEOUT;
    private static final Duration WRITE = FederatedCloud.WRITE_TIMEOUT;

    private final String site;
    private final SiteCaller caller;

    public RemoteSiteShare(String site, SiteCaller caller) {
        this.site = site;
        this.caller = caller;
    }

    @Override
    public String site() {
        return site;
    }

    @Override
    public CompletableFuture<SitePart> part() {
        return caller.call(site, ShareCalls.PART, new byte[0], READ)
                .thenApply(body -> CallBodies.answer(body, SitePart.class));
    }

    @Override
    public CompletableFuture<java.util.List<dev.atoll.model.view.SiteLink>> links() {
        return caller.call(site, ShareCalls.LINKS, new byte[0], READ)
                .thenApply(
                        body -> CallBodies.answer(body, ShareCalls.Links.class).links());
    }

    @Override
    public CompletableFuture<PutResult> put(EnvironmentSpec spec) {
        return caller.call(site, ShareCalls.PUT, CallBodies.write(new ShareCalls.Put(spec)), WRITE)
                .thenApply(body -> CallBodies.answer(body, PutResult.class));
    }

    @Override
    public CompletableFuture<Void> delete(String tenant, String environment) {
        return caller.call(site, ShareCalls.DELETE, CallBodies.write(new ShareCalls.Delete(tenant, environment)), WRITE)
                .thenApply(body -> null);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> readLog(String tenant, String instanceId, long offset, int maxBytes) {
        return caller.call(
                        site,
                        ShareCalls.READ_LOG,
                        CallBodies.write(new ShareCalls.ReadLog(tenant, instanceId, offset, maxBytes)),
                        READ)
                .thenApply(body -> {
                    var chunk = CallBodies.answer(body, ShareCalls.LogChunk.class);
                    return chunk.found() ? Optional.of(chunk.bytes()) : Optional.empty();
                });
    }
}
