package dev.atoll.control.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.metrics.OfferOutcome;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The kind of a refusal crosses the wire beside its reason, so the home counts what the target knew. */
class OfferAnswerTest {
    @Test
    void aRejectionKeepsItsKindAcrossTheWire() {
        var sent = new OfferReply.Rejected("paris", "node n1 no longer has room", OfferOutcome.NO_ROOM);

        byte[] body = CallBodies.write(SiteCalls.OfferAnswer.of(sent));
        var received = CallBodies.answer(body, SiteCalls.OfferAnswer.class).reply();

        assertThat(received).isEqualTo(sent);
        assertThat(received.outcome().reason()).isEqualTo("no-room");
    }

    @Test
    void anAnswerWithoutACodeFromAnOlderSiteCountsAsOther() {
        byte[] body = "{\"accepted\":false,\"site\":\"paris\",\"node\":\"\",\"reason\":\"full\"}"
                .getBytes(StandardCharsets.UTF_8);

        var received = CallBodies.answer(body, SiteCalls.OfferAnswer.class).reply();

        assertThat(received).isEqualTo(new OfferReply.Rejected("paris", "full", OfferOutcome.OTHER));
    }

    @Test
    void anAcceptedAnswerCountsAsAcceptedWithNoReason() {
        var received = CallBodies.answer(
                        CallBodies.write(SiteCalls.OfferAnswer.of(new OfferReply.Accepted("paris", "n1"))),
                        SiteCalls.OfferAnswer.class)
                .reply();

        assertThat(received.outcome()).isEqualTo(OfferOutcome.ACCEPTED);
        assertThat(received.outcome().reason()).isEqualTo("none");
    }
}
