package dev.atoll.control.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.atoll.control.federation.CallBodies;
import dev.atoll.model.view.SiteLink;
import org.junit.jupiter.api.Test;

/** A site answers another site's API over the wire with its own share. */
class ShareCallHandlerTest {
    @Test
    void aSiteTellsItsRoundTripsToTheOthersOverTheWire() throws Exception {
        var handler = new ShareCallHandler(new FakeSiteShare("paris"));

        byte[] answer = handler.handle(ShareCalls.LINKS, new byte[0]).get();

        assertThat(CallBodies.answer(answer, ShareCalls.Links.class).links())
                .containsExactly(new SiteLink("paris", "elsewhere", 10, true));
    }
}
