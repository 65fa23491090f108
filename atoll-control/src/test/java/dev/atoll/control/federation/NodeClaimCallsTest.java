package dev.atoll.control.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What another site's rebalancer sends to hold nodes here, as the wire carries it to this site's handler. */
class NodeClaimCallsTest {
    @TempDir
    Path dir;

    private Sites sites;

    @AfterEach
    void stop() {
        if (sites != null) sites.close();
    }

    private NodeClaim.Answer call(SiteCallHandler handler, NodeClaim claim) throws Exception {
        byte[] answer =
                handler.handle(SiteCalls.CLAIM_NODES, CallBodies.write(claim)).get(5, TimeUnit.SECONDS);
        return CallBodies.answer(answer, NodeClaim.Answer.class);
    }

    @Test
    void aSiteHoldsItsNodesForOnePartitionAtATimeAndOnlyItsOwn() throws Exception {
        // Given paris, answering the calls of other sites
        sites = Sites.start(dir, 2, "paris");
        var handler = new SiteCallHandler(sites.site("paris"));

        // When london's partition claims a node, then rome's claims the same one and a node of another site
        var london = call(handler, new NodeClaim("overload:london/n1", List.of("paris/n1"), 30_000));
        var rome = call(handler, new NodeClaim("overload:rome/n2", List.of("paris/n2", "paris/n1"), 30_000));
        var elsewhere = call(handler, new NodeClaim("overload:rome/n2", List.of("berlin/n1"), 30_000));

        // Then only london's is granted, and the refusals say why
        assertThat(london.granted()).isTrue();
        assertThat(rome).isEqualTo(NodeClaim.Answer.refused("paris/n1 is held by overload:london/n1"));
        assertThat(elsewhere.reason()).isEqualTo("berlin/n1 is not a node of site paris");

        // And once london's partition releases, rome's is granted
        handler.handle(SiteCalls.RELEASE_NODES, CallBodies.write(new SiteCalls.ReleaseNodes("overload:london/n1")))
                .get(5, TimeUnit.SECONDS);
        assertThat(call(handler, new NodeClaim("overload:rome/n2", List.of("paris/n2", "paris/n1"), 30_000))
                        .granted())
                .isTrue();
    }
}
