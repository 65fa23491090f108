package dev.atoll.net.dns;

import static dev.atoll.net.dns.Replicas.healthy;
import static dev.atoll.net.dns.Replicas.ofTenant;
import static dev.atoll.net.dns.Replicas.unhealthy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

class NameTableTest {
    /** Seen from london: paris is 5 ms away, frankfurt 9 ms, tokyo unknown. */
    private static final ToLongFunction<String> RTT = site -> switch (site) {
        case "london" -> 0;
        case "paris" -> 5_000;
        case "frankfurt" -> 9_000;
        default -> -1;
    };

    private static NameTable table(DnsEndpoint... endpoints) {
        return NameTable.of(List.of(endpoints), "london", RTT);
    }

    @Test
    void aServiceNameListsHealthyReplicasLocalSiteFirstThenByRoundTripTimeThenIndex() {
        NameTable table = table(
                healthy("web", 0, "tokyo", "100.64.0.10"),
                healthy("web", 1, "frankfurt", "100.64.0.11"),
                healthy("web", 2, "london", "100.64.0.12"),
                healthy("web", 3, "paris", "100.64.0.13"),
                unhealthy("web", 4, "london", "100.64.0.14"),
                healthy("web", 5, "paris", "100.64.0.15"),
                healthy("web", 6, "london", "100.64.0.16"));

        Answer answer = table.lookup("acme", "web.prod.acme.atoll", Type.A);

        assertThat(addresses(answer))
                .containsExactly(
                        "100.64.0.12", "100.64.0.16", "100.64.0.13", "100.64.0.15", "100.64.0.11", "100.64.0.10");
        assertThat(((Answer.Found) answer).answers())
                .allSatisfy(r -> assertThat(r.getTTL()).isEqualTo(1));
    }

    @Test
    void anIndexNameAnswersForItsReplicaWhateverItsHealth() {
        NameTable table = table(healthy("db", 0, "london", "100.64.0.20"), unhealthy("db", 1, "paris", "100.64.0.21"));

        assertThat(addresses(table.lookup("acme", "1.db.prod.acme.atoll", Type.A)))
                .containsExactly("100.64.0.21");
        assertThat(addresses(table.lookup("acme", "0.db.prod.acme.atoll.", Type.A)))
                .containsExactly("100.64.0.20");
        assertThat(table.lookup("acme", "2.db.prod.acme.atoll", Type.A)).isInstanceOf(Answer.NoSuchName.class);
    }

    @Test
    void aReplicaWithoutAnAddressYetHasANameButNoRecord() {
        NameTable table = table(healthy("db", 0, "london", null));

        assertThat(table.lookup("acme", "0.db.prod.acme.atoll", Type.A)).isInstanceOf(Answer.NoData.class);
        assertThat(table.lookup("acme", "db.prod.acme.atoll", Type.A)).isInstanceOf(Answer.NoData.class);
    }

    @Test
    void aServiceWithNoHealthyReplicaExistsButHasNoAddress() {
        NameTable table = table(unhealthy("web", 0, "london", "100.64.0.10"));

        assertThat(table.lookup("acme", "web.prod.acme.atoll", Type.A)).isInstanceOf(Answer.NoData.class);
        assertThat(table.lookup("acme", "_http._tcp.web.prod.acme.atoll", Type.SRV))
                .isInstanceOf(Answer.NoData.class);
    }

    @Test
    void srvRecordsNameEachHealthyReplicaWithItsPortAndTheirAddressesComeAlong() {
        NameTable table = table(
                healthy("web", 0, "paris", "100.64.0.10"),
                unhealthy("web", 1, "london", "100.64.0.11"),
                healthy("web", 2, "london", "100.64.0.12"));

        Answer answer = table.lookup("acme", "_http._tcp.web.prod.acme.atoll", Type.SRV);

        assertThat(answer).isInstanceOf(Answer.Found.class);
        List<Record> answers = ((Answer.Found) answer).answers();
        assertThat(answers)
                .extracting(r -> ((SRVRecord) r).getTarget().toString())
                .containsExactly("2.web.prod.acme.atoll.", "0.web.prod.acme.atoll.");
        assertThat(answers).extracting(r -> ((SRVRecord) r).getPort()).containsExactly(8002, 8000);
        assertThat(answers).allSatisfy(r -> {
            assertThat(((SRVRecord) r).getPriority()).isZero();
            assertThat(((SRVRecord) r).getWeight()).isZero();
        });
        List<Record> additional = ((Answer.Found) answer).additional();
        assertThat(additional)
                .extracting(r -> r.getName().toString())
                .containsExactly("2.web.prod.acme.atoll.", "0.web.prod.acme.atoll.");
        assertThat(additional)
                .extracting(r -> ((ARecord) r).getAddress().getHostAddress())
                .containsExactly("100.64.0.12", "100.64.0.10");
    }

    @Test
    void onlyReplicasWithAPortAreTargetsOfItsSrvName() {
        var metrics = new DnsEndpoint("acme", "prod", "web", 1, "100.64.0.11", Map.of("metrics", 9100), "london", true);
        NameTable table = table(healthy("web", 0, "london", "100.64.0.10"), metrics);

        assertThat(targets(table.lookup("acme", "_metrics._tcp.web.prod.acme.atoll", Type.SRV)))
                .containsExactly("1.web.prod.acme.atoll.");
        assertThat(targets(table.lookup("acme", "_http._tcp.web.prod.acme.atoll", Type.SRV)))
                .containsExactly("0.web.prod.acme.atoll.");
        assertThat(table.lookup("acme", "_grpc._tcp.web.prod.acme.atoll", Type.SRV))
                .isInstanceOf(Answer.NoSuchName.class);
    }

    @Test
    void namesOfAnotherTenantDoNotExistForTheAskingTenant() {
        NameTable table = table(ofTenant("globex", "web", 0, "100.64.0.10"), ofTenant("acme", "api", 0, "100.64.0.11"));

        for (String name : List.of(
                "web.prod.globex.atoll",
                "0.web.prod.globex.atoll",
                "_http._tcp.web.prod.globex.atoll",
                "prod.globex.atoll",
                "globex.atoll")) {
            assertThat(table.lookup("acme", name, Type.A)).as(name).isInstanceOf(Answer.NoSuchName.class);
            assertThat(table.lookup("acme", name, Type.SRV)).as(name).isInstanceOf(Answer.NoSuchName.class);
        }
        assertThat(addresses(table.lookup("globex", "web.prod.globex.atoll", Type.A)))
                .containsExactly("100.64.0.10");
    }

    @Test
    void theParentsOfExistingNamesExistWithoutRecords() {
        NameTable table = table(healthy("web", 0, "london", "100.64.0.10"));

        for (String name : List.of("prod.acme.atoll", "acme.atoll", "_tcp.web.prod.acme.atoll", "atoll")) {
            assertThat(table.lookup("acme", name, Type.A)).as(name).isInstanceOf(Answer.NoData.class);
        }
    }

    @Test
    void unknownNamesUnderAtollDoNotExistAndOtherNamesAreRefused() {
        NameTable table = table(healthy("web", 0, "london", "100.64.0.10"));

        assertThat(table.lookup("acme", "api.prod.acme.atoll", Type.A)).isInstanceOf(Answer.NoSuchName.class);
        assertThat(table.lookup("acme", "x.web.prod.acme.atoll", Type.A)).isInstanceOf(Answer.NoSuchName.class);
        assertThat(table.lookup("acme", "web.staging.acme.atoll", Type.A)).isInstanceOf(Answer.NoSuchName.class);
        assertThat(table.lookup("acme", "web.prod.acme.atoll.example", Type.A)).isInstanceOf(Answer.Refused.class);
        assertThat(table.lookup("acme", "atollx", Type.A)).isInstanceOf(Answer.Refused.class);
        assertThat(table.lookup("acme", "web.prod.acme", Type.A)).isInstanceOf(Answer.Refused.class);
    }

    @Test
    void typesOtherThanAAndSrvHaveNoRecords() {
        NameTable table = table(healthy("web", 0, "london", "100.64.0.10"));

        assertThat(table.lookup("acme", "web.prod.acme.atoll", Type.AAAA)).isInstanceOf(Answer.NoData.class);
        assertThat(table.lookup("acme", "web.prod.acme.atoll", Type.SRV)).isInstanceOf(Answer.NoData.class);
        assertThat(table.lookup("acme", "_http._tcp.web.prod.acme.atoll", Type.A))
                .isInstanceOf(Answer.NoData.class);
    }

    @Test
    void namesAndTenantsAreCaseInsensitive() {
        NameTable table =
                table(new DnsEndpoint("Acme", "Prod", "Web", 0, "100.64.0.10", Map.of("HTTP", 8080), "london", true));

        assertThat(addresses(table.lookup("ACME", "WEB.prod.Acme.ATOLL", Type.A)))
                .containsExactly("100.64.0.10");
        assertThat(addresses(table.lookup("acme", "0.web.prod.acme.atoll", Type.A)))
                .containsExactly("100.64.0.10");
        assertThat(targets(table.lookup("acme", "_Http._TCP.web.prod.acme.atoll", Type.SRV)))
                .containsExactly("0.web.prod.acme.atoll.");
    }

    @Test
    void whileAReplicaMovesItsHealthyCopyStandsForItsIndexEverywhere() {
        NameTable table = table(
                unhealthy("web", 1, "london", "100.64.0.11"),
                healthy("web", 1, "paris", "100.64.0.21"),
                healthy("web", 0, "london", "100.64.0.10"));

        assertThat(addresses(table.lookup("acme", "1.web.prod.acme.atoll", Type.A)))
                .containsExactly("100.64.0.21");
        assertThat(addresses(table.lookup("acme", "web.prod.acme.atoll", Type.A)))
                .containsExactly("100.64.0.10", "100.64.0.21");
        assertThat(targets(table.lookup("acme", "_http._tcp.web.prod.acme.atoll", Type.SRV)))
                .containsExactly("0.web.prod.acme.atoll.", "1.web.prod.acme.atoll.");
    }

    @Test
    void theRoundTripTimeIsAskedOncePerSite() {
        List<String> asked = new ArrayList<>();
        List<DnsEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 30; i++)
            endpoints.add(healthy("web", i, i % 2 == 0 ? "paris" : "frankfurt", "100.64.0." + (10 + i)));

        NameTable.of(endpoints, "london", site -> {
            asked.add(site);
            return RTT.applyAsLong(site);
        });

        assertThat(asked).containsExactlyInAnyOrder("paris", "frankfurt");
    }

    @Test
    void endpointsWhoseNamesCannotBeAskedAreLeftOut() {
        NameTable table = table(
                healthy("web site", 0, "london", "100.64.0.10"),
                healthy("web.site", 0, "london", "100.64.0.11"),
                healthy("web", 0, "london", "not-an-address"),
                healthy("api", 0, "london", "100.64.0.12"));

        assertThat(addresses(table.lookup("acme", "api.prod.acme.atoll", Type.A)))
                .containsExactly("100.64.0.12");
        assertThat(table.lookup("acme", "site.prod.acme.atoll", Type.A)).isInstanceOf(Answer.NoSuchName.class);
        assertThat(table.lookup("acme", "web.prod.acme.atoll", Type.A)).isInstanceOf(Answer.NoData.class);
    }

    @Test
    void theEmptyTableKnowsNoNames() {
        assertThat(NameTable.empty().lookup("acme", "web.prod.acme.atoll", Type.A))
                .isInstanceOf(Answer.NoSuchName.class);
        assertThat(NameTable.empty().lookup("acme", "web.prod.acme.example", Type.A))
                .isInstanceOf(Answer.Refused.class);
    }

    static List<String> addresses(Answer answer) {
        assertThat(answer).isInstanceOf(Answer.Found.class);
        return ((Answer.Found) answer)
                .answers().stream()
                        .map(r -> ((ARecord) r).getAddress().getHostAddress())
                        .toList();
    }

    static List<String> targets(Answer answer) {
        assertThat(answer).isInstanceOf(Answer.Found.class);
        return ((Answer.Found) answer)
                .answers().stream()
                        .map(r -> ((SRVRecord) r).getTarget().toString())
                        .toList();
    }
}
