package dev.atoll.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFetcherTest {
    @TempDir
    Path dir;

    @Test
    void anImageImportedAtOneSiteIsFetchedWholeByAnotherAndCatalogued() throws Exception {
        var london = new BlobStore(dir.resolve("london/blobs"));
        var image = TestImage.of(
                Tars.tar().file("a", "1".repeat(20_000)), Tars.tar().file("b", "2"));
        var imported = new ImageImporter(london, new ImageCatalog(dir.resolve("london/catalog"), london))
                .importArchive(image.write(image.ociLayout("app:1"), dir.resolve("app.tar")), Optional.empty());
        var paris = new BlobStore(dir.resolve("paris/blobs"));
        var parisCatalog = new ImageCatalog(dir.resolve("paris/catalog"), paris);
        var fetcher = new ImageFetcher(paris, parisCatalog, new BlobFetcher(paris, dir.resolve("paris/partial")));

        var record = fetcher.fetch(imported.manifestDigest(), List.of(new LocalBlobPeer("london", london, 1024)));

        assertThat(paris.digests()).isEqualTo(london.digests());
        assertThat(record.layerDigests()).isEqualTo(imported.layerDigests());
        assertThat(record.config()).isEqualTo(imported.config());
        assertThat(record.names()).isEmpty();
        assertThat(parisCatalog.get(imported.manifestDigest())).contains(record);
    }

    @Test
    void aDigestThatIsNoManifestIsReportedAsMalformed() throws Exception {
        var london = new BlobStore(dir.resolve("london/blobs"));
        String notAManifest = london.put("just bytes".getBytes());
        var paris = new BlobStore(dir.resolve("paris/blobs"));
        var fetcher = new ImageFetcher(
                paris, new ImageCatalog(dir.resolve("paris/catalog"), paris), new BlobFetcher(paris, dir.resolve("p")));

        assertThatThrownBy(() -> fetcher.fetch(notAManifest, List.of(new LocalBlobPeer("london", london))))
                .isInstanceOf(ImageUnavailableException.class)
                .hasMessageContaining(
                        "image " + notAManifest + " is malformed: manifest " + notAManifest + " is not valid JSON");
    }
}
