package dev.atoll.api;

import static dev.atoll.api.Http.contentType;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The web console (built by atoll-console onto the classpath) is served at / beside the API. */
class ConsoleAssetsTest {
    private static final Pattern BUNDLE = Pattern.compile("/(app-[A-Za-z0-9]+\\.(js|css))\"");

    private final FakeCloud cloud = new FakeCloud();
    private ApiServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = ApiServer.start(cloud, "127.0.0.1", 0);
        http = new Http(server.uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theRootIsTheConsolesPageAskedAgainEveryTime() {
        HttpResponse<String> page = http.get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(contentType(page)).startsWith("text/html");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(page.body()).contains("<title>Atoll console</title>").doesNotContain("{{");
    }

    @Test
    void theBundlesThePageNamesAreServedWithTheirTypesAndCachedForGood() {
        Matcher bundles = BUNDLE.matcher(http.get("/").body());
        int found = 0;
        while (bundles.find()) {
            found++;
            HttpResponse<String> asset = http.get("/" + bundles.group(1));
            assertThat(asset.statusCode()).as(bundles.group(1)).isEqualTo(200);
            assertThat(contentType(asset)).startsWith(bundles.group(2).equals("js") ? "text/javascript" : "text/css");
            assertThat(asset.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
            assertThat(asset.body()).isNotBlank();
        }
        assertThat(found).as("index.html names the js and css bundles").isEqualTo(2);
    }

    @Test
    void theMapDataIsInsideTheBundleSoNothingIsLoadedFromElsewhere() {
        Matcher bundles = BUNDLE.matcher(http.get("/").body());
        String js = "";
        while (bundles.find())
            if (bundles.group(2).equals("js"))
                js = http.get("/" + bundles.group(1)).body();
        // world-atlas's land topology and d3-geo's projection are bundled; no other host is named.
        assertThat(js).contains("\"Topology\"").contains("arcs");
        assertThat(js).doesNotContain("https://").doesNotContain("cdn");
    }

    @Test
    void pagePathsOfTheConsoleAreItsPageSoALinkCanBeOpenedDirectly() {
        for (String path : new String[] {"/environments/hello", "/deploy", "/instances/hello.web.0", "/sites"}) {
            HttpResponse<String> page = http.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.body()).as(path).contains("<title>Atoll console</title>");
        }
    }

    @Test
    void theApisOwnPathsAreNeverTakenByTheConsole() {
        assertThat(contentType(http.get("/healthz"))).startsWith("application/json");
        assertThat(contentType(http.get("/v1/sites"))).startsWith("application/json");
        assertThat(contentType(http.get("/metrics"))).startsWith("text/plain");
        HttpResponse<String> unknown = http.get("/v1/environmentz");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(contentType(unknown)).startsWith("application/problem+json");
        // Only GET is the console's: a POST elsewhere is still an unknown route.
        assertThat(contentType(http.post("/environments", "application/json", "{}")))
                .startsWith("application/problem+json");
    }

    @Test
    void anAssetThatDoesNotExistIsThePageNotAnError() {
        // The browser's router then says "Not found"; nothing of the server's leaks.
        HttpResponse<String> missing = http.get("/app-NOPE.js");
        assertThat(missing.statusCode()).isEqualTo(200);
        assertThat(contentType(missing)).startsWith("text/html");
    }
}
