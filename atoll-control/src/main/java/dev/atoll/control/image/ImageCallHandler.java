package dev.atoll.control.image;

import dev.atoll.image.remote.ImageCalls;
import dev.atoll.model.image.ImageRef;
import dev.atoll.wire.CallFailedException;
import dev.atoll.wire.MalformedFrameException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/** Answers {@link ImageCalls} from other sites and from this site's agents. */
public final class ImageCallHandler {
    private final SiteImages images;
    // Fetching from other sites and reading blobs block; never on the wire's threads.
    private final Executor blocking = Executors.newVirtualThreadPerTaskExecutor();

    public ImageCallHandler(SiteImages images) {
        this.images = images;
    }

    public static boolean serves(String method) {
        return method.startsWith("image.");
    }

    public CompletableFuture<byte[]> handle(String method, byte[] body) {
        return switch (method) {
            case ImageCalls.RESOLVE -> {
                var ref = ImageRef.parse(decode(body, ImageCalls.Resolve.class).ref());
                if (!(ref instanceof ImageRef.Result.Valid valid)) {
                    yield CompletableFuture.completedFuture(
                            ImageCalls.write(new ImageCalls.Resolved(false, "", java.util.List.of())));
                }
                yield CompletableFuture.supplyAsync(
                        () -> ImageCalls.write(images.resolveHere(valid.ref())
                                .map(r -> new ImageCalls.Resolved(true, r.manifestDigest(), r.names()))
                                .orElse(new ImageCalls.Resolved(false, "", java.util.List.of()))),
                        blocking);
            }
            case ImageCalls.LIST -> CompletableFuture.supplyAsync(() -> ImageCalls.write(images.held()), blocking);
            case ImageCalls.CHUNKS -> {
                var query = decode(body, ImageCalls.ChunksOf.class);
                yield CompletableFuture.supplyAsync(
                        () -> ImageCalls.write(images.chunks(query.digest(), query.fetch())), blocking);
            }
            case ImageCalls.READ -> {
                var read = decode(body, ImageCalls.Read.class);
                yield CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return images.read(read.digest(), read.offset(), read.length());
                            } catch (IOException e) {
                                throw new CallFailedException(
                                        CallFailedException.Reason.REFUSED,
                                        "site " + images.site() + " cannot read " + read.digest() + ": "
                                                + e.getMessage());
                            }
                        },
                        blocking);
            }
            default ->
                CompletableFuture.failedFuture(
                        new CallFailedException(CallFailedException.Reason.UNKNOWN_METHOD, "no method " + method));
        };
    }

    private static <T> T decode(byte[] body, Class<T> type) {
        try {
            return ImageCalls.read(body, type);
        } catch (IOException e) {
            throw new MalformedFrameException("a " + type.getSimpleName() + " does not decode: " + e.getMessage(), e);
        }
    }
}
