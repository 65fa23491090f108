package dev.atoll.control.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import dev.atoll.model.network.NetworkMember;
import dev.atoll.model.spec.Expose;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A site's ingress on loopback, in front of small servers that say who they are: members with no
 * node address are reached on 127.0.0.1, as the nodes of `atoll dev` are.
 */
class IngressTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<NetworkMember> members = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) c.close();
        scheduler.shutdownNow();
    }

    /** A server that answers every connection with its name, then closes. */
    private int server(String name) throws IOException {
        var socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(socket);
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    client.getOutputStream().write(name.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return socket.getLocalPort();
    }

    private NetworkMember member(String tenant, String service, int index, String site, int port, boolean healthy) {
        return new NetworkMember(
                new InstanceId(tenant, "shop", service, index),
                1,
                site,
                "n1",
                "",
                healthy ? InstanceState.RUNNING : InstanceState.UNHEALTHY,
                List.of(),
                Map.of("http", port),
                List.of(new Expose("http", publicPort)));
    }

    private int publicPort;

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Ingress ingressAt(String site) {
        var ingress = new Ingress(
                site,
                InetAddress.getLoopbackAddress(),
                () -> List.copyOf(members),
                () -> Map.of("frankfurt", 9_000L, "new-york", 70_000L));
        open.add(ingress);
        return ingress.start(scheduler);
    }

    private static String ask(int port) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            socket.setSoTimeout(2_000);
            try (InputStream in = socket.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void aPublishedPortGoesToTheHealthyReplicasOfThisSiteInTurnThenToTheNearestOtherSite() throws Exception {
        publicPort = freePort();
        members.add(member("acme", "web", 0, "london", server("london-0"), true));
        members.add(member("acme", "web", 1, "london", server("london-1"), true));
        members.add(member("acme", "web", 2, "new-york", server("new-york-2"), true));
        members.add(member("acme", "web", 3, "frankfurt", server("frankfurt-3"), true));
        var ingress = ingressAt("london");

        await().atMost(Duration.ofSeconds(5)).until(() -> ingress.routes().containsKey(publicPort));
        assertThat(ingress.routes().get(publicPort)).isEqualTo(new Ingress.Route("acme", "shop", "web", "http"));
        var answers = new java.util.TreeSet<String>();
        for (int i = 0; i < 4; i++) answers.add(ask(publicPort));
        assertThat(answers).containsExactly("london-0", "london-1");

        members.replaceAll(m -> m.site().equals("london")
                ? member("acme", "web", m.id().index(), "london", m.ports().get("http"), false)
                : m);

        assertThat(ask(publicPort)).isEqualTo("frankfurt-3");
    }

    @Test
    void aPortIsPublishedOnlyWhereTheServiceRunsAndLeadsOnlyToThatService() throws Exception {
        publicPort = freePort();
        members.add(member("acme", "web", 0, "paris", server("acme-web"), true));
        members.add(member("globex", "web", 0, "london", server("globex-web"), false));
        var london = ingressAt("london");

        await().atMost(Duration.ofSeconds(5)).until(() -> london.routes().containsKey(publicPort));
        // london runs only globex's web (unhealthy): the port is globex's, and never leads to acme.
        assertThat(london.routes().get(publicPort).tenant()).isEqualTo("globex");
        assertThat(ask(publicPort)).isEmpty();

        members.removeIf(m -> m.id().tenant().equals("globex"));

        await().atMost(Duration.ofSeconds(5)).until(() -> london.routes().isEmpty());
    }
}
