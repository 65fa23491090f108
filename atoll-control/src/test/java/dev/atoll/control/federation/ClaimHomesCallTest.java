package dev.atoll.control.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a home that adopted environments sends another site, as the wire carries it to that site's handler. */
class ClaimHomesCallTest {
    @TempDir
    Path dir;

    private Sites sites;

    @AfterEach
    void stop() {
        if (sites != null) sites.close();
    }

    private List<HomeClaim> call(SiteCallHandler handler, List<EnvironmentClaim> claims) throws Exception {
        byte[] answer = handler.handle(SiteCalls.CLAIM_HOMES, CallBodies.write(new SiteCalls.ClaimHomes(claims)))
                .get(5, TimeUnit.SECONDS);
        return CallBodies.answer(answer, new TypeReference<List<HomeClaim>>() {});
    }

    @Test
    void aBatchOfClaimsIsRecordedAtTheSiteAndEachIsAnsweredWithItsStandingInOrder() throws Exception {
        // Given paris, answering the calls of other sites, that knows rome homes "a" at epoch 3
        sites = Sites.start(dir, 2, "paris");
        var handler = new SiteCallHandler(sites.site("paris"));
        var t0 = Instant.parse("2026-01-01T00:00:00Z");
        var rome = new HomeClaim("rome", 3, t0);
        var london = new HomeClaim("london", 2, t0);
        call(handler, List.of(new EnvironmentClaim("default", "a", rome)));

        // When london claims "a" and "b" in one call
        var standings = call(
                handler,
                List.of(new EnvironmentClaim("default", "a", london), new EnvironmentClaim("default", "b", london)));

        // Then rome's stronger claim on "a" stands, london's on "b" is recorded
        assertThat(standings).containsExactly(rome, london);
        assertThat(call(handler, List.of(new EnvironmentClaim("default", "b", new HomeClaim("berlin", 1, t0)))))
                .containsExactly(london);
    }
}
