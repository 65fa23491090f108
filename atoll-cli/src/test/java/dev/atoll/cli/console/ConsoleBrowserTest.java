package dev.atoll.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.cli.dev.DevCloud;
import dev.atoll.model.topology.Topologies;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web console in Debian's headless Chromium against `atoll dev`'s embedded cloud of three
 * sites: the map, a deploy with its field errors and placement preview, watching it become ready,
 * scaling, a rolling restart done with the keyboard only, a phone-width check, and delete. Each step
 * saves a screenshot under target/console-screenshots/.
 */
@Tag("host")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    static final Duration READY = Duration.ofSeconds(60);

    static final String HELLO = """
            apiVersion: atoll/v1
            kind: Environment
            metadata: {name: hello}
            spec:
              services:
                web:
                  command: [python3, -m, http.server, "${ATOLL_PORT_HTTP}", --bind, 127.0.0.1]
                  ports: [http]
                  resources: {cpu: 100m, memory: 64Mi}
                  health: {http: {path: /, port: http}, interval: 200ms}
                  replicas: 6
                  placement:
                    spread: {across: site, minDomains: 3}
            """;

    @TempDir
    static Path dataDir;

    static DevCloud cloud;
    static ChromeDriver browser;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the console's browser test needs Debian's chromium and chromium-driver"
                        + " (./scripts/install-test-deps installs them as root)");
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/python3")),
                "python3 is needed as the example's HTTP server; ./scripts/install-test-deps installs it");
        Files.createDirectories(SCREENSHOTS);
        cloud = DevCloud.start(Topologies.defaultDev(), dataDir, 1, "127.0.0.1", 0);
        base = cloud.api().uri().toString();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,800",
                "--user-data-dir=" + Files.createDirectories(dataDir.resolve("chromium")));
        // The browser's console is read after each test: a script error or a blocked resource fails it.
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        // The API asks for a token: the console keeps the one `atoll dev` printed, as a user pastes it.
        browser.get(base + "/healthz");
        js().executeScript("localStorage.setItem('atoll.token', arguments[0]);", cloud.adminToken());
    }

    @org.junit.jupiter.api.AfterEach
    void theBrowserConsoleShowsNoErrors() {
        var severe = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(org.openqa.selenium.logging.LogEntry::getMessage)
                // The API's own 4xx answers (a bad spec, a deleted environment) are the console's to show.
                .filter(m -> !m.contains("the server responded with a status of 4"))
                .toList();
        assertThat(severe).as("errors in the browser's console").isEmpty();
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (cloud != null) {
            cloud.stopInstances();
            cloud.close();
        }
    }

    @Test
    @Order(1)
    void theMapShowsEverySiteSizedByLoadWithTheLinksBetweenThem() throws IOException {
        open("/");
        waitFor(() -> browser.findElements(By.cssSelector("svg.world a.site")).size() == 3);
        assertThat(browser.findElements(By.cssSelector("svg.world a.site")).stream()
                        .map(e -> e.getDomAttribute("data-site"))
                        .toList())
                .containsExactlyInAnyOrder("london", "frankfurt", "new-york");
        assertThat(browser.findElements(By.cssSelector("svg.world .site.health-healthy")))
                .hasSize(3);
        // Three sites: three links, each with its round trip.
        waitFor(() ->
                browser.findElements(By.cssSelector("svg.world path.link")).size() == 3);
        assertThat(browser.findElements(By.cssSelector("svg.world .link-label"))
                        .getFirst()
                        .getText())
                .matches("\\d+ ms");
        waitFor(() -> text("#live").equals("live"));
        screenshot("01-map-1280x800");
    }

    @Test
    @Order(2)
    void aSpecWithAMistakeIsMarkedAtItsFieldAndNothingIsDeployed() throws IOException {
        open("/deploy");
        WebElement editor = waitForElement("#spec");
        setEditor(editor, HELLO.replace("memory: 64Mi", "memory: 64Zi"));
        browser.findElement(By.id("check")).click();
        waitFor(() -> !browser.findElements(
                        By.cssSelector(".field-error[data-path='spec.services.web.resources.memory']"))
                .isEmpty());
        assertThat(text(".field-error")).contains("Line 9").contains("is not a quantity");
        // The gutter marks line 9, where the memory is written.
        assertThat(browser.findElements(By.cssSelector(".gutter span.bad")).stream()
                        .map(WebElement::getText)
                        .toList())
                .containsExactly("9");
        // ... and the reason is written after the field itself, in the editor.
        assertThat(browser.findElement(By.cssSelector(".marks .bad")).getText())
                .contains("memory: 64Zi")
                .contains("is not a quantity");
        assertThat(editor.getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("confirm-deploy")).isEnabled()).isFalse();
        screenshot("02-deploy-field-error");
        assertThat(get("/v1/environments/hello").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void deployShowsThePlacementPreviewThenLiveProgressUntilReady() throws IOException {
        open("/deploy");
        WebElement editor = waitForElement("#spec");
        setEditor(editor, HELLO);
        browser.findElement(By.id("check")).click();
        waitFor(() -> text("#preview").contains("would go to"));
        String preview = text("#preview [data-service='web']");
        assertThat(preview)
                .contains("6 replicas would go to")
                .contains("london x2")
                .contains("frankfurt x2")
                .contains("new-york x2");
        screenshot("03-deploy-preview");
        // The preview reserved nothing.
        assertThat(get("/v1/environments/hello").statusCode()).isEqualTo(404);

        browser.findElement(By.id("confirm-deploy")).click();
        waitFor(() -> text("#progress").contains("Deploying hello"));
        screenshot("04-deploy-progress");
        await().atMost(READY)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> !browser.findElements(By.id("open-environment")).isEmpty());
        assertThat(text("#progress")).contains("web: 6 of 6 running").contains("ready");
        screenshot("05-deploy-ready");
    }

    @Test
    @Order(4)
    void theEnvironmentPageShowsItsInstancesPerSiteOnTheMapAndStreamsALog() throws IOException {
        browser.findElement(By.id("open-environment")).click();
        waitFor(() -> text("h1").equals("Environment hello"));
        waitFor(() -> browser.findElements(By.cssSelector("table tbody tr")).size() == 6);
        waitFor(() -> text("#env-status").equals("ready"));
        assertThat(browser.findElements(By.cssSelector("svg.world .site-label")).stream()
                        .map(WebElement::getText)
                        .toList())
                .containsExactlyInAnyOrder("london x2", "frankfurt x2", "new-york x2");
        assertThat(text(".events")).contains("hello.web.");
        screenshot("06-environment");

        browser.findElement(By.linkText("hello.web.0")).click();
        waitFor(() -> text("h1").equals("Instance hello.web.0"));
        // python's http.server logs every health check it answers: the log grows while we watch.
        await().atMost(Duration.ofSeconds(20)).until(() -> text("pre.log").contains("GET / HTTP/1.1"));
        screenshot("07-instance-log");
    }

    @Test
    @Order(5)
    void scalingFromTheEnvironmentPageChangesTheReplicas() throws IOException {
        open("/environments/hello");
        waitForElement("#replicas-web");
        waitFor(() -> {
            WebElement replicas = browser.findElement(By.id("replicas-web"));
            replicas.clear();
            replicas.sendKeys("3");
            return "3".equals(replicas.getDomProperty("value"));
        });
        // The page renders again as the cloud changes (keeping what was typed): click the current button.
        click("[data-key='scale-web']");
        await().atMost(READY).until(() -> text(".action-status").contains("Scaling web to 3: updated"));
        await().atMost(READY)
                .until(() ->
                        browser.findElements(By.cssSelector("table tbody tr")).size() == 3
                                && text(".service").contains("3 of 3 running"));
        screenshot("08-scaled-to-3");
    }

    @Test
    @Order(6)
    void aRollingRestartCanBeDoneWithTheKeyboardOnly() throws IOException {
        open("/");
        waitFor(() -> !browser.findElements(By.cssSelector("svg.world a.site")).isEmpty());
        // From the top of the page: Tab to "Environments", Enter, Tab to "hello", Enter.
        tabUntil(e -> e.getText().equals("Environments"));
        focused().sendKeys(Keys.ENTER);
        waitFor(() -> text("h1").equals("Environments"));
        waitFor(() -> !browser.findElements(By.linkText("hello")).isEmpty());
        tabUntil(e -> e.getText().equals("hello"));
        focused().sendKeys(Keys.ENTER);
        waitFor(() -> text("h1").equals("Environment hello"));
        waitFor(() -> !browser.findElements(By.cssSelector("[data-key='restart-web']"))
                .isEmpty());
        tabUntil(e -> e.getText().equals("Rolling restart of web"));
        screenshot("09-keyboard-focus-on-restart");
        focused().sendKeys(Keys.ENTER);
        await().atMost(READY).until(() -> text(".action-status").contains("Rolling restart of web: updated"));
        // Every replica is replaced, one at a time, with a new generation.
        await().atMost(READY).pollInterval(Duration.ofMillis(500)).until(() -> {
            String env = get("/v1/environments/hello").body();
            return env.contains("\"status\":\"ready\"") && env.contains("\"updated\":3");
        });
        assertThat(get("/v1/environments/hello").body()).contains("ATOLL_RESTARTED_AT");
        screenshot("10-restarted");
    }

    @Test
    @Order(7)
    void atPhoneWidthPagesFitWithoutSidewaysScrolling() throws IOException {
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            for (String page : List.of(
                    "/",
                    "/environments/hello",
                    "/deploy",
                    "/nodes",
                    "/sites/london",
                    "/instances",
                    "/networks",
                    "/images")) {
                open(page);
                waitFor(() -> !browser.findElements(By.cssSelector("main h1")).isEmpty()
                        && browser.findElements(By.cssSelector("main .region")).size()
                                        + browser.findElements(By.cssSelector("#spec"))
                                                .size()
                                > 0);
                long overflow = (Long) js().executeScript(
                                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                assertThat(overflow).as("sideways overflow of %s", page).isLessThanOrEqualTo(0);
                screenshot("11-phone" + (page.equals("/") ? "-map" : page.replace('/', '-')));
            }
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 800));
        }
    }

    @Test
    @Order(8)
    void deletingFromTheConsoleRemovesTheEnvironment() throws IOException {
        open("/environments/hello");
        waitForElement("[data-key='delete']");
        click("[data-key='delete']");
        // The question opens with Cancel focused; deleting takes a deliberate choice.
        waitFor(() -> focused().getText().equals("Cancel"));
        screenshot("12-delete-question");
        browser.findElement(By.id("confirm-yes")).click();
        await().atMost(READY).until(() -> get("/v1/environments/hello").statusCode() == 404);
        open("/environments");
        waitFor(() -> text("main").contains("No environments yet"));
        screenshot("13-deleted");
    }

    @Test
    @Order(9)
    void anApiThatAsksForATokenGetsOneFromTheDialogAsABearerTokenOnEveryRequest() throws IOException {
        // Given a browser that has no token: the API answers 401 and the console asks for one.
        js().executeScript("localStorage.removeItem('atoll.token');");
        open("/nodes");
        WebElement input = waitForElement("#token-input");
        waitFor(input::isDisplayed);
        assertThat(text("#token-why")).contains("401");
        // Every request from here on is recorded with its Authorization header.
        js().executeScript("window.sentAuth = []; const real = window.fetch;"
                + "window.fetch = (url, init) => {"
                + "  window.sentAuth.push(String(url) + ' ' + ((init && init.headers && init.headers.Authorization) || ''));"
                + "  return real(url, init); };");
        // The dialog opens with the token field focused: type it and press Enter.
        assertThat(focused().getDomAttribute("id")).isEqualTo("token-input");
        focused().sendKeys(cloud.adminToken());
        screenshot("14-token-dialog");
        focused().sendKeys(Keys.ENTER);
        waitFor(() -> text("h1").equals("Nodes")
                && !browser.findElements(By.cssSelector("table tbody tr")).isEmpty());
        @SuppressWarnings("unchecked")
        List<String> sent = (List<String>) js().executeScript("return window.sentAuth;");
        assertThat(sent)
                .anySatisfy(line -> assertThat(line).startsWith("/v1/nodes").endsWith("Bearer " + cloud.adminToken()));
        assertThat(js().executeScript("return localStorage.getItem('atoll.token');"))
                .isEqualTo(cloud.adminToken());
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static void open(String path) {
        browser.get(base + path);
    }

    private static JavascriptExecutor js() {
        return browser;
    }

    private static void setEditor(WebElement editor, String value) {
        js().executeScript(
                        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
                        editor,
                        value);
    }

    private static String text(String css) {
        var found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.getFirst().getText();
    }

    /** Clicks the element {@code css} finds now, again if the page replaced it meanwhile. */
    private static void click(String css) {
        waitFor(() -> {
            browser.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private static WebElement waitForElement(String css) {
        waitFor(() -> !browser.findElements(By.cssSelector(css)).isEmpty());
        return browser.findElement(By.cssSelector(css));
    }

    private static void waitFor(Supplier<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(condition::get);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            try {
                screenshot("failed-" + System.nanoTime());
                System.err.println("console diagnostics: "
                        + js().executeAsyncScript("const done = arguments[arguments.length - 1];"
                                + "const t0 = performance.now();"
                                + "const entries = performance.getEntriesByType('resource').map(e => e.name + ' '"
                                + " + Math.round(e.startTime) + '+' + Math.round(e.duration)).join('\\n');"
                                + "Promise.race([fetch('/v1/sites').then(r => 'fetch ' + r.status),"
                                + " new Promise(r => setTimeout(() => r('fetch hangs'), 5000))])"
                                + ".then(f => done(f + ' after ' + Math.round(performance.now() - t0) + 'ms\\n'"
                                + " + entries));"));
            } catch (IOException | RuntimeException diagnostics) {
                System.err.println("console diagnostics failed: " + diagnostics);
            }
            throw e;
        }
    }

    private static WebElement focused() {
        return browser.switchTo().activeElement();
    }

    /** Presses Tab until the focused element passes {@code wanted}; at most 60 presses. */
    private static void tabUntil(java.util.function.Predicate<WebElement> wanted) {
        for (int i = 0; i < 60; i++) {
            focused().sendKeys(Keys.TAB);
            WebElement now = focused();
            if (wanted.test(now)) {
                assertThat((Boolean) js().executeScript("return arguments[0].matches(':focus-visible');", now))
                        .as("focus is visible on %s", now.getText())
                        .isTrue();
                return;
            }
        }
        throw new AssertionError("Tab never reached the element");
    }

    private static HttpResponse<String> get(String path) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .header("Authorization", "Bearer " + cloud.adminToken())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void screenshot(String name) throws IOException {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
