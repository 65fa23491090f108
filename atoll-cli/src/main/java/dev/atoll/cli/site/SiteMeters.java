package dev.atoll.cli.site;

import dev.atoll.control.raft.RaftGroup;
import dev.atoll.control.site.SiteController;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of the sites a process runs, worked out when scraped (see {@code ApiServer.beforeScrape}):
 *
 * <ul>
 *   <li>{@code atoll_site_instances{site,state,driver}}: replicas placed at the site.
 *   <li>{@code atoll_gossip_members{site}}: sites the site knows alive, itself included.
 *   <li>{@code atoll_raft_term}, {@code atoll_raft_commit_index}, {@code atoll_raft_last_applied_index},
 *       {@code atoll_raft_apply_lag} and {@code atoll_raft_leader}, each {@code {site,member}}: every
 *       Raft member in this process (a follower controller too).
 * </ul>
 */
public final class SiteMeters {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SiteMeters.class);
    /** A scrape waits this long at most for a member's report. */
    private static final Duration REPORT_TIMEOUT = Duration.ofMillis(500);

    private final Supplier<? extends Collection<SiteController>> controllers;
    private final Supplier<? extends Collection<RaftGroup>> groups;
    private final MultiGauge instances;
    private final MultiGauge gossipMembers;
    private final MultiGauge term;
    private final MultiGauge commitIndex;
    private final MultiGauge lastApplied;
    private final MultiGauge applyLag;
    private final MultiGauge leader;

    /**
     * @param controllers the site controllers acting now (none on a follower)
     * @param groups the Raft groups with members in this process
     */
    public SiteMeters(
            MeterRegistry registry,
            Supplier<? extends Collection<SiteController>> controllers,
            Supplier<? extends Collection<RaftGroup>> groups) {
        this.controllers = controllers;
        this.groups = groups;
        instances = MultiGauge.builder("atoll.site.instances")
                .description("Replicas placed at the site, by state and driver")
                .register(registry);
        gossipMembers = MultiGauge.builder("atoll.gossip.members")
                .description("Sites the site knows alive by gossip, itself included")
                .register(registry);
        term = MultiGauge.builder("atoll.raft.term")
                .description("The Raft term of each member of a site's group in this process")
                .register(registry);
        commitIndex = MultiGauge.builder("atoll.raft.commit.index")
                .description("The highest log index the member knows committed")
                .register(registry);
        lastApplied = MultiGauge.builder("atoll.raft.last.applied.index")
                .description("The last log index the member's state machine applied")
                .register(registry);
        applyLag = MultiGauge.builder("atoll.raft.apply.lag")
                .description("Committed entries the member's state machine has not applied yet")
                .register(registry);
        leader = MultiGauge.builder("atoll.raft.leader")
                .description("1 while the member leads its site's group")
                .register(registry);
    }

    /** Works every gauge out afresh; called before each scrape. */
    public void refresh() {
        List<MultiGauge.Row<?>> instanceRows = new ArrayList<>();
        List<MultiGauge.Row<?>> memberRows = new ArrayList<>();
        for (SiteController controller : controllers.get()) {
            String site = controller.site().name();
            try {
                for (var count : controller.instanceCounts()) {
                    instanceRows.add(MultiGauge.Row.of(
                            Tags.of("site", site, "state", count.state(), "driver", count.driver()), count.count()));
                }
                memberRows.add(MultiGauge.Row.of(Tags.of("site", site), controller.liveSitesKnown()));
            } catch (RuntimeException e) {
                // A controller that just stopped leading (or a closed one): the other sites still count.
                LOG.debug("site {}: no gauges this scrape: {}", site, e.toString());
            }
        }
        instances.register(instanceRows, true);
        gossipMembers.register(memberRows, true);
        List<Tagged> members = new ArrayList<>();
        for (RaftGroup group : groups.get()) {
            for (var status : group.status(REPORT_TIMEOUT)) {
                members.add(new Tagged(Tags.of("site", group.groupId(), "member", status.memberId()), status));
            }
        }
        term.register(rows(members, s -> s.term()), true);
        commitIndex.register(rows(members, s -> s.commitIndex()), true);
        lastApplied.register(rows(members, s -> s.lastApplied()), true);
        applyLag.register(rows(members, s -> s.applyLag()), true);
        leader.register(rows(members, s -> s.role().equals("leader") ? 1 : 0), true);
    }

    private record Tagged(Tags tags, RaftGroup.MemberStatus status) {}

    private static List<MultiGauge.Row<?>> rows(List<Tagged> members, ToDoubleFunction<RaftGroup.MemberStatus> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (Tagged m : members) rows.add(MultiGauge.Row.of(m.tags(), value.applyAsDouble(m.status())));
        return rows;
    }
}
