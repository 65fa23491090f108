package dev.atoll.control.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.atoll.image.ImageUnavailableException;
import dev.atoll.image.NodeImageCache;
import dev.atoll.image.remote.Caller;
import dev.atoll.image.remote.RemoteBlobPeer;
import dev.atoll.model.image.ImageRef;
import dev.atoll.testhosts.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sites that lack an image get it from the sites that hold it, over the same calls the wire carries
 * (here made in-process through each site's {@link ImageCallHandler}).
 */
class SiteImagesTest {
    @TempDir
    Path dir;

    private final Map<String, SiteImages> sites = new LinkedHashMap<>();
    private final Map<String, ImageCallHandler> handlers = new LinkedHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private Path archive;
    private String manifest;

    @BeforeEach
    void threeSites() throws IOException {
        for (String name : List.of("london", "frankfurt", "paris")) {
            SiteImages images = new SiteImages(name, dir.resolve(name), () -> others(name));
            sites.put(name, images);
            handlers.put(name, new ImageCallHandler(images));
        }
        archive = dir.resolve("app.tar");
        byte[] big = new byte[3 << 20]; // several chunks of 1 MiB
        new java.util.Random(7).nextBytes(big);
        manifest = TestImages.layout(archive, "app:1", List.of("/app"), tar -> {
            tar.file("app", 0755, "#!/bin/sh\necho app\n".getBytes(StandardCharsets.UTF_8));
            tar.file("data.bin", 0644, big);
        });
    }

    private List<SiteImages.OtherSite> others(String self) {
        return sites.keySet().stream()
                .filter(other -> !other.equals(self))
                .map(other -> new SiteImages.OtherSite(other, caller(self, other)))
                .toList();
    }

    private Caller caller(String from, String to) {
        return (method, body) -> {
            calls.add(from + "->" + to + " " + method);
            var handler = handlers.get(to);
            if (handler == null) throw new IOException("site " + to + " is unreachable");
            try {
                return handler.handle(method, body).get();
            } catch (InterruptedException e) {
                throw new IOException(e);
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        };
    }

    @Test
    void givenAnImageImportedAtOneSiteWhenAnotherPinsItsNameThenItGetsTheDigestFromThatSite() throws Exception {
        sites.get("london").importArchive(archive, Optional.empty());

        assertThat(sites.get("paris").pin(ImageRef.of("app:1"))).contains("app:1@" + manifest);
        assertThat(sites.get("paris").pin(ImageRef.of("nginx:1"))).isEmpty();
    }

    @Test
    void givenAnImageAtOneSiteWhenANodeOfAnotherSitePreparesItThenItsSiteFetchesAndKeepsTheWholeImage()
            throws Exception {
        sites.get("london").importArchive(archive, Optional.empty());
        var node = new NodeImageCache(
                dir.resolve("paris-node"),
                () -> List.of(new RemoteBlobPeer("site paris", caller("node", "paris"), true)));

        var prepared = node.prepare("app:1@" + manifest);

        assertThat(Files.readString(prepared.rootfs().resolve("app"))).contains("echo app");
        assertThat(Files.size(prepared.rootfs().resolve("data.bin"))).isEqualTo(3 << 20);
        assertThat(sites.get("paris").list()).singleElement().satisfies(r -> assertThat(r.manifestDigest())
                .isEqualTo(manifest));
        assertThat(sites.get("paris").everywhere()).singleElement().satisfies(v -> {
            assertThat(v.sites()).containsExactlyInAnyOrder("london", "paris");
            assertThat(v.names()).containsExactly("app:1");
        });
    }

    @Test
    void givenAnImageFetchedFromTheSiteThatImportedItWhenThatSiteIsGoneThenItsNameStillResolvesWhereItWasFetched()
            throws Exception {
        sites.get("london").importArchive(archive, Optional.empty());
        sites.get("paris").chunks(manifest, true);

        handlers.remove("london"); // london is gone: calls to it fail

        assertThat(sites.get("paris").list()).singleElement().satisfies(r -> assertThat(r.names())
                .containsExactly("app:1"));
        assertThat(sites.get("frankfurt").pin(ImageRef.of("app:1"))).contains("app:1@" + manifest);
    }

    @Test
    void givenTwoSitesHoldingAnImageWhenAThirdFetchesItThenChunksComeFromBoth() throws Exception {
        sites.get("london").importArchive(archive, Optional.empty());
        sites.get("frankfurt").importArchive(archive, Optional.empty());

        var chunks = sites.get("paris").chunks(manifest, true);

        assertThat(chunks.held()).isTrue();
        assertThat(calls).anyMatch(c -> c.equals("paris->london image.read"));
        assertThat(calls).anyMatch(c -> c.equals("paris->frankfurt image.read"));
    }

    @Test
    void givenADigestNoSiteHoldsWhenANodePreparesItThenTheErrorSaysSo() {
        var node = new NodeImageCache(
                dir.resolve("node"), () -> List.of(new RemoteBlobPeer("site paris", caller("node", "paris"), true)));
        String unknown = "sha256:" + "ab".repeat(32);

        assertThatThrownBy(() -> node.prepare("app:1@" + unknown))
                .isInstanceOf(ImageUnavailableException.class)
                .hasMessageContaining(unknown);
    }
}
