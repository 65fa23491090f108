package dev.atoll.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    private static List<ServerSentEvent> read(String stream) throws IOException {
        var events = new ArrayList<ServerSentEvent>();
        ServerSentEvents.read(new BufferedReader(new StringReader(stream)), events::add);
        return events;
    }

    @Test
    void readsIdEventAndDataOfEachEvent() throws IOException {
        var events = read("""
                id: 7
                event: instance-started
                data: {"seq":7}

                id: 8
                event: environment-created
                data: {"seq":8}

                """);

        assertThat(events)
                .containsExactly(
                        new ServerSentEvent("7", "instance-started", "{\"seq\":7}"),
                        new ServerSentEvent("8", "environment-created", "{\"seq\":8}"));
    }

    @Test
    void joinsDataLinesAndSkipsComments() throws IOException {
        var events = read(": keep-alive\ndata: one\ndata:two\n\n");

        assertThat(events).containsExactly(new ServerSentEvent(null, "message", "one\ntwo"));
    }

    @Test
    void anEventWithoutItsBlankLineAtTheEndIsNotDispatched() throws IOException {
        assertThat(read("id: 1\ndata: half")).isEmpty();
    }

    @Test
    void theLastIdCarriesOverToEventsThatDoNotSetOne() throws IOException {
        var events = read("id: 3\ndata: a\n\ndata: b\n\n");

        assertThat(events).extracting(ServerSentEvent::id).containsExactly("3", "3");
    }
}
