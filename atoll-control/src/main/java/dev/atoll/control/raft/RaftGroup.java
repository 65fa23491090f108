package dev.atoll.control.raft;

import static dev.atoll.wire.Failures.unwrap;

import dev.atoll.wire.FrameType;
import dev.atoll.wire.WireSettings;
import io.microraft.Ordered;
import io.microraft.RaftConfig;
import io.microraft.RaftEndpoint;
import io.microraft.RaftNode;
import io.microraft.exception.CannotReplicateException;
import io.microraft.exception.IndeterminateStateException;
import io.microraft.exception.NotLeaderException;
import io.microraft.persistence.RestoredRaftState;
import io.microraft.report.RaftTerm;
import io.microraft.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every member of one site's Raft group that runs in this process, joined by an {@link
 * InMemoryRaftTransport}. Each member persists to {@code dataDir/<memberId>/raft.mv.db} and, when
 * opened again on the same directory, resumes from it, so a restarted group keeps every committed
 * command.
 *
 * <p>{@link #submit} replicates a command through the current leader and completes with what
 * {@link ReplicatedStateMachine#apply} returned on it. It retries by itself while there is no
 * leader or the leader changes, because then the command was certainly not appended. It does not
 * retry when the outcome is unknown ({@link IndeterminateStateException}: the leader stopped after
 * appending but before learning whether the entry committed), because a retry could apply the
 * command twice; the caller decides, for example by checking the state.
 */
public final class RaftGroup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftGroup.class);
    private static final Pattern MEMBER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final String STORE_FILE = "raft.mv.db";

    private final String groupId;
    private final RaftTimings timings;
    /** The members that run in this process: all of them, or one ({@link #openMember}). */
    private final Map<String, Member> members;
    /** Every member of the group, here or in other processes. */
    private final List<String> allMemberIds;

    private final Transport transport;
    /** Present when the other members are in other processes. */
    private final CommandForwarding forwarding;
    /** Runs retries, leader polls and completes callers' futures off the Raft threads. */
    private final ScheduledExecutorService scheduler;

    private final RaftRuntime runtime;
    private final Duration retryDelay;
    private final Duration patience;
    private volatile LeaderConfirmation confirmation;
    private volatile boolean closed;

    /** A leader, in a term, that has applied every entry committed before it became leader. */
    private record LeaderConfirmation(String memberId, int term) {}

    private static final class Member {
        final String id;
        final MemberEndpoint endpoint;
        final MvStoreRaftStore store;
        final ReplicatedStateMachine machine;
        final ReplicatedMachineAdapter adapter;
        final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
        RaftNode node;
        volatile boolean stopped;

        Member(String id, MvStoreRaftStore store, ReplicatedStateMachine machine) {
            this.id = id;
            this.endpoint = new MemberEndpoint(id);
            this.store = store;
            this.machine = machine;
            this.adapter = new ReplicatedMachineAdapter(machine);
        }
    }

    private RaftGroup(
            String groupId,
            RaftTimings timings,
            Map<String, Member> members,
            List<String> allMemberIds,
            Transport transport,
            ResultCodec results,
            RaftRuntime runtime) {
        this.groupId = groupId;
        this.runtime = runtime;
        this.timings = timings;
        this.members = members;
        this.allMemberIds = List.copyOf(allMemberIds);
        this.transport = transport;
        this.scheduler = runtime.executors().apply("raft-" + groupId + "-client");
        this.retryDelay = timings.heartbeatPeriod().dividedBy(5);
        // Long enough for several failed elections in a row, so giving up means something is wrong.
        this.patience = timings.leaderTimeout()
                .plus(timings.electionTimeout())
                .multipliedBy(10)
                .plusSeconds(5);
        if (transport instanceof NetworkRaftTransport network) {
            this.forwarding = new CommandForwarding(network, results, scheduler, patience, this::replicateForPeer);
            network.onFrame(FrameType.FORWARD, forwarding::onForward);
            network.onFrame(FrameType.FORWARD_RESULT, forwarding::onResult);
        } else {
            this.forwarding = null;
        }
    }

    /**
     * Starts every member of the group, restoring each from its store when it has state, and waits
     * until a leader has applied everything restored.
     *
     * @throws UnreadableRaftStoreException if a member's store exists but cannot be read
     * @throws IllegalStateException if the stores were written by a group with other members
     * @throws RaftGroupUnavailableException if no leader is elected in time
     */
    public static RaftGroup open(
            String groupId,
            List<String> memberIds,
            Path dataDir,
            java.util.function.Supplier<ReplicatedStateMachine> machines,
            RaftTimings timings) {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(machines, "machines");
        Objects.requireNonNull(timings, "timings");
        validateMemberIds(memberIds);

        Map<String, Member> members = new LinkedHashMap<>();
        InMemoryRaftTransport transport = new InMemoryRaftTransport();
        RaftGroup group = null;
        try {
            Map<String, Optional<RestoredRaftState>> restored = new LinkedHashMap<>();
            for (String id : memberIds) {
                MvStoreRaftStore store =
                        MvStoreRaftStore.open(dataDir.resolve(id).resolve(STORE_FILE));
                members.put(id, new Member(id, store, Objects.requireNonNull(machines.get(), "machine")));
                restored.put(id, store.restoredState());
            }
            restored.forEach((id, state) -> state.ifPresent(s -> checkRestoredMembership(
                    groupId, id, memberIds, s, members.get(id).store.file())));

            group = new RaftGroup(
                    groupId, timings, Map.copyOf(members), memberIds, transport, ResultCodec.BASIC, RaftRuntime.real());
            group.awaitStarted(group.startMembers(memberIds, restored));
            group.awaitLeader(group.patience);
            return group;
        } catch (RuntimeException e) {
            if (group != null) {
                group.close();
            } else {
                members.values().forEach(m -> m.store.close());
            }
            throw e;
        }
    }

    /**
     * Starts one member of a group whose other members run in other processes, reached over the
     * wire protocol at the addresses in {@code members}. The member persists to {@code
     * dataDir/<localMemberId>/raft.mv.db} and resumes from it when opened again.
     *
     * <p>Returns once the member runs and listens on {@code bind}, without waiting for a leader (the
     * other members may not be up yet): call {@link #awaitLeader} for that. {@link #submit} works on
     * any member: a follower forwards the command to the leader and completes with the leader's
     * result, carried back by {@link ResultCodec#BASIC}.
     *
     * @param members every member's id and address, the local one included
     * @param bind where to listen, for example the local member's address or a wildcard with its port
     * @throws UnreadableRaftStoreException if the member's store exists but cannot be read
     * @throws IllegalStateException if the store was written by a group with other members
     * @throws java.io.UncheckedIOException naming the address when {@code bind} cannot be bound
     */
    public static RaftGroup openMember(
            String groupId,
            String localMemberId,
            Map<String, InetSocketAddress> members,
            Path dataDir,
            java.util.function.Supplier<ReplicatedStateMachine> machines,
            RaftTimings timings,
            InetSocketAddress bind) {
        return openMember(
                groupId,
                localMemberId,
                members,
                dataDir,
                machines,
                timings,
                bind,
                WireSettings.defaults(),
                ResultCodec.BASIC);
    }

    /**
     * {@link #openMember(String, String, Map, Path, java.util.function.Supplier, RaftTimings,
     * InetSocketAddress)} with the wire protocol's limits and the codec of forwarded results chosen.
     */
    public static RaftGroup openMember(
            String groupId,
            String localMemberId,
            Map<String, InetSocketAddress> members,
            Path dataDir,
            java.util.function.Supplier<ReplicatedStateMachine> machines,
            RaftTimings timings,
            InetSocketAddress bind,
            WireSettings wire,
            ResultCodec results) {
        return openMember(groupId, localMemberId, members, dataDir, machines, timings, bind, wire, results, null);
    }

    /**
     * The same, with Raft between the members over mutually authenticated TLS ({@code tls}: only
     * site certificates may speak Raft); null: plain TCP.
     */
    public static RaftGroup openMember(
            String groupId,
            String localMemberId,
            Map<String, InetSocketAddress> members,
            Path dataDir,
            java.util.function.Supplier<ReplicatedStateMachine> machines,
            RaftTimings timings,
            InetSocketAddress bind,
            WireSettings wire,
            ResultCodec results,
            dev.atoll.wire.tls.WireTls tls) {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(machines, "machines");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(wire, "wire");
        Objects.requireNonNull(results, "results");
        List<String> memberIds = List.copyOf(new TreeSet<>(members.keySet()));
        validateMemberIds(memberIds);
        if (!members.containsKey(localMemberId)) {
            throw new IllegalArgumentException(
                    "local member " + localMemberId + " is not among the members " + memberIds);
        }
        members.forEach((id, address) -> Objects.requireNonNull(address, "address of member " + id));

        MvStoreRaftStore store =
                MvStoreRaftStore.open(dataDir.resolve(localMemberId).resolve(STORE_FILE));
        RaftGroup group = null;
        NetworkRaftTransport transport = null;
        try {
            Member member = new Member(localMemberId, store, Objects.requireNonNull(machines.get(), "machine"));
            Optional<RestoredRaftState> restored = store.restoredState();
            restored.ifPresent(s -> checkRestoredMembership(groupId, localMemberId, memberIds, s, store.file()));
            transport = new NetworkRaftTransport(groupId, localMemberId, members, bind, wire, tls);
            group = new RaftGroup(
                    groupId, timings, Map.of(localMemberId, member), memberIds, transport, results, RaftRuntime.real());
            InetSocketAddress bound = transport.start();
            group.awaitStarted(group.startMembers(memberIds, Map.of(localMemberId, restored)));
            LOG.info("Raft group {}: member {} listens on {}", groupId, localMemberId, bound);
            return group;
        } catch (RuntimeException e) {
            if (group != null) {
                group.close();
            } else {
                if (transport != null) {
                    transport.close();
                }
                store.close();
            }
            throw e;
        }
    }

    /**
     * Starts every member of a group in memory on the given runtime, without waiting for anything:
     * in a simulation, waiting would stop time. The caller runs time on until {@link #leaderReady}
     * completes. The log lives as long as the group; it is not written to disk.
     */
    public static RaftGroup openInMemory(
            String groupId,
            List<String> memberIds,
            java.util.function.Supplier<ReplicatedStateMachine> machines,
            RaftTimings timings,
            RaftRuntime runtime) {
        validateMemberIds(memberIds);
        Map<String, Member> members = new LinkedHashMap<>();
        Map<String, Optional<RestoredRaftState>> restored = new LinkedHashMap<>();
        for (String id : memberIds) {
            members.put(id, new Member(id, MvStoreRaftStore.inMemory(), Objects.requireNonNull(machines.get())));
            restored.put(id, Optional.empty());
        }
        RaftGroup group = new RaftGroup(
                groupId,
                timings,
                Collections.unmodifiableMap(members),
                memberIds,
                new InMemoryRaftTransport(),
                ResultCodec.BASIC,
                runtime);
        group.startMembers(memberIds, restored);
        return group;
    }

    /**
     * Completes once a leader is elected and has applied every entry committed before it (what
     * {@link #awaitLeader} waits for), without blocking.
     */
    public CompletableFuture<Void> leaderReady() {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        pollLeader(ready);
        return ready;
    }

    private void awaitStarted(List<CompletableFuture<?>> started) {
        for (CompletableFuture<?> start : started) {
            await(start, patience, "start of a member");
        }
    }

    private List<CompletableFuture<?>> startMembers(
            List<String> memberIds, Map<String, Optional<RestoredRaftState>> restored) {
        DilatedTime time = DilatedTime.forTimings(timings, runtime);
        RaftConfig config = raftConfig(time);
        List<RaftEndpoint> endpoints = memberIds.stream()
                .map(id -> (RaftEndpoint) new MemberEndpoint(id))
                .toList();
        for (Member member : members.values()) {
            String id = member.id;
            RaftNode.RaftNodeBuilder builder = RaftNode.newBuilder()
                    .setGroupId(groupId)
                    .setConfig(config)
                    .setExecutor(time.newExecutor("raft-" + groupId + "-" + id, (groupId + "/" + id).hashCode()))
                    .setClock(time.clock())
                    .setTransport(transport)
                    .setStateMachine(member.adapter)
                    .setStore(member.store)
                    .setModelFactory(RaftLogCodec.MODEL);
            runtime.randomFor(groupId + "/" + id).ifPresent(builder::setRandom);
            Optional<RestoredRaftState> state = restored.get(id);
            if (state.isPresent()) {
                builder.setRestoredState(state.get());
            } else {
                builder.setLocalEndpoint(member.endpoint).setInitialGroupMembers(endpoints);
            }
            member.node = builder.build();
            connect(member.node);
        }
        List<CompletableFuture<?>> started = new ArrayList<>();
        for (Member member : members.values()) {
            started.add(member.node.start());
        }
        LOG.debug(
                "Raft group {} started {} of members {}{}",
                groupId,
                members.size() == memberIds.size() ? "all" : members.keySet(),
                memberIds,
                restored.values().stream().anyMatch(Optional::isPresent) ? " (restored from disk)" : "");
        return started;
    }

    /** One MicroRaft "second" is one heartbeat period; see {@link DilatedTime}. */
    private RaftConfig raftConfig(DilatedTime time) {
        long heartbeatsPerTimeout = Math.max(
                1,
                Math.round((double) timings.leaderTimeout().toMillis()
                        / timings.heartbeatPeriod().toMillis()));
        return RaftConfig.newBuilder()
                .setLeaderHeartbeatPeriodSecs(1)
                .setLeaderHeartbeatTimeoutSecs(heartbeatsPerTimeout)
                .setLeaderElectionTimeoutMillis(time.dilatedMillis(timings.electionTimeout()))
                .setCommitCountToTakeSnapshot(timings.commitCountToTakeSnapshot())
                .setRaftNodeReportPublishPeriodSecs(60)
                .build();
    }

    public String groupId() {
        return groupId;
    }

    /**
     * How one member in this process stands, for the operator: its term, role, what its log has
     * committed and what its machine applied ({@code commitIndex - lastApplied} is its apply lag).
     */
    public record MemberStatus(String memberId, String role, int term, long commitIndex, long lastApplied) {
        public long applyLag() {
            return Math.max(0, commitIndex - lastApplied);
        }
    }

    /**
     * The status of every live member in this process, from MicroRaft's report (asked on the
     * member's own thread, waited for at most {@code timeout}; a member that does not answer in time
     * is left out).
     */
    public List<MemberStatus> status(Duration timeout) {
        List<MemberStatus> result = new ArrayList<>();
        for (Member member : members.values()) {
            if (member.stopped || closed) continue;
            try {
                var report = member.node
                        .getReport()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .getResult();
                result.add(new MemberStatus(
                        member.id,
                        report.getRole().name().toLowerCase(java.util.Locale.ROOT),
                        report.getTerm().getTerm(),
                        report.getLog().getCommitIndex(),
                        member.adapter.lastApplied()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                LOG.debug("Raft group {}: no report from member {}: {}", groupId, member.id, e.toString());
            }
        }
        return result;
    }

    /** The ids of every member of the group, including those in other processes, sorted. */
    public List<String> memberIds() {
        return allMemberIds.stream().sorted().toList();
    }

    /**
     * Replicates a command and completes with {@link ReplicatedStateMachine#apply}'s result on the
     * leader once it is committed. Fails with {@link RaftGroupUnavailableException} when no leader
     * could take it in time, with {@link IndeterminateStateException} when the leader stopped before
     * knowing whether it committed, or with what {@code apply} threw.
     */
    public CompletableFuture<Object> submit(byte[] command) {
        Objects.requireNonNull(command, "command");
        CompletableFuture<Object> result = new CompletableFuture<>();
        long maxAttempts = Math.max(1, patience.toNanos() / retryDelay.toNanos());
        attempt(command.clone(), result, 1, maxAttempts, null);
        return result;
    }

    private void attempt(
            byte[] command, CompletableFuture<Object> result, long attempt, long maxAttempts, Throwable lastFailure) {
        if (result.isDone()) {
            return;
        }
        if (closed) {
            result.completeExceptionally(new IllegalStateException("Raft group " + groupId + " is closed"));
            return;
        }
        if (attempt > maxAttempts) {
            result.completeExceptionally(new RaftGroupUnavailableException(
                    "Raft group " + groupId
                            + " could not commit a command within " + patience + " (" + maxAttempts
                            + " attempts); live members "
                            + liveMemberIds() + ", leader " + leaderId().orElse("none"),
                    lastFailure));
            return;
        }
        Optional<Member> leader = leader();
        if (leader.isEmpty()) {
            Optional<String> remote = remoteLeaderId();
            if (remote.isPresent()) {
                forwarding.forward(remote.get(), command).whenComplete((value, failure) -> {
                    Throwable cause = unwrap(failure);
                    if (cause == null) {
                        runOffRaftThread(() -> result.complete(value));
                    } else if (cause instanceof NotLeaderException || cause instanceof CannotReplicateException) {
                        retryLater(() -> attempt(command, result, attempt + 1, maxAttempts, cause));
                    } else {
                        runOffRaftThread(() -> result.completeExceptionally(cause));
                    }
                });
                return;
            }
            retryLater(() -> attempt(command, result, attempt + 1, maxAttempts, lastFailure));
            return;
        }
        Member member = leader.get();
        CompletableFuture<Ordered<Object>> replicated = member.node.replicate(command);
        member.inFlight.add(replicated);
        if (member.stopped) {
            // stopMember ran between leader() and add(): it did not see this future.
            replicated.completeExceptionally(new IndeterminateStateException());
        }
        replicated.whenComplete((ordered, failure) -> {
            member.inFlight.remove(replicated);
            Throwable cause = unwrap(failure);
            if (cause == null) {
                runOffRaftThread(() -> result.complete(ordered.getResult()));
            } else if (cause instanceof NotLeaderException || cause instanceof CannotReplicateException) {
                retryLater(() -> attempt(command, result, attempt + 1, maxAttempts, cause));
            } else {
                runOffRaftThread(() -> result.completeExceptionally(cause));
            }
        });
    }

    /**
     * The member that leads, as far as this process knows: a local member that believes it leads, or
     * (with {@link #openMember}) the leader the local member follows.
     */
    public Optional<String> leaderId() {
        Optional<String> local = leader().map(m -> m.id);
        return local.isPresent() ? local : remoteLeaderId();
    }

    /**
     * Whether a member in this process believes it leads now; cheap (no waiting, no barrier), for a
     * shell that must act only where it leads. Its machine may still lag the log for a moment after
     * an election: {@link #leaderMachine()} waits for that.
     */
    public boolean leadsLocally() {
        return !closed && leader().isPresent();
    }

    /** With {@link #openMember}: the leader in another process that the local member follows. */
    private Optional<String> remoteLeaderId() {
        if (forwarding == null) {
            return Optional.empty();
        }
        for (Member member : members.values()) {
            if (member.stopped) {
                continue;
            }
            RaftEndpoint leader = member.node.getTerm().getLeaderEndpoint();
            if (leader != null && !members.containsKey(String.valueOf(leader.getId()))) {
                return Optional.of(String.valueOf(leader.getId()));
            }
        }
        return Optional.empty();
    }

    /** Leader side of forwarding: replicates a follower's command if a local member leads. */
    private CompletableFuture<Object> replicateForPeer(byte[] command) {
        Optional<Member> leader = leader();
        if (leader.isEmpty() || closed) {
            Member local = members.values().iterator().next();
            RaftEndpoint known = local.stopped ? null : local.node.getTerm().getLeaderEndpoint();
            return CompletableFuture.failedFuture(new NotLeaderException(local.endpoint, known));
        }
        Member member = leader.get();
        CompletableFuture<Ordered<Object>> replicated = member.node.replicate(command);
        member.inFlight.add(replicated);
        if (member.stopped) {
            replicated.completeExceptionally(new IndeterminateStateException());
        }
        return replicated
                .whenComplete((ordered, failure) -> member.inFlight.remove(replicated))
                .thenApply(Ordered::getResult);
    }

    /**
     * The live member that believes it leads in the highest term. During an election two members
     * may each believe it for a moment; the one in the later term is the one the others follow.
     */
    private Optional<Member> leader() {
        Member best = null;
        int bestTerm = -1;
        for (Member member : members.values()) {
            if (member.stopped) {
                continue;
            }
            RaftTerm term = member.node.getTerm();
            if (member.endpoint.equals(term.getLeaderEndpoint()) && term.getTerm() > bestTerm) {
                best = member;
                bestTerm = term.getTerm();
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Waits until a leader is elected and has applied every entry committed before it, so that its
     * machine answers reads with all committed state.
     *
     * @throws RaftGroupUnavailableException if that does not happen within {@code timeout}
     */
    public void awaitLeader(Duration timeout) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        pollLeader(ready);
        try {
            await(ready, timeout, "a leader");
        } finally {
            ready.cancel(false);
        }
    }

    private void pollLeader(CompletableFuture<Void> ready) {
        if (ready.isDone() || closed) {
            return;
        }
        Optional<Member> leader = leader();
        if (leader.isEmpty()) {
            if (remoteLeaderId().isPresent()) {
                // The leader is in another process; it confirms its own reads.
                ready.complete(null);
                return;
            }
            retryLater(() -> pollLeader(ready));
            return;
        }
        Member member = leader.get();
        int term = member.node.getTerm().getTerm();
        if (new LeaderConfirmation(member.id, term).equals(confirmation)) {
            ready.complete(null);
            return;
        }
        // Committing an entry of its own term proves the leader has applied all earlier entries.
        CompletableFuture<Ordered<Object>> barrier = member.node.replicate(GroupMarker.READ_BARRIER);
        member.inFlight.add(barrier);
        barrier.whenComplete((ordered, failure) -> {
            member.inFlight.remove(barrier);
            if (failure == null) {
                confirmation = new LeaderConfirmation(member.id, term);
                runOffRaftThread(() -> ready.complete(null));
            } else {
                retryLater(() -> pollLeader(ready));
            }
        });
    }

    /**
     * The leader's state machine, for local reads; waits (a few election rounds at most) for a
     * leader that has applied every committed entry. The machine belongs to its Raft thread: read it
     * only in ways the machine makes safe across threads.
     *
     * @throws RaftGroupUnavailableException when the leader is in another process (with {@link
     *     #openMember}); read {@link #machineOf} the local member instead, knowing it may lag
     */
    public ReplicatedStateMachine leaderMachine() {
        // The common case first: the leader already proved it applied everything in its term.
        Optional<Member> current = leader();
        LeaderConfirmation confirmed = confirmation;
        if (current.isPresent()
                && new LeaderConfirmation(
                                current.get().id, current.get().node.getTerm().getTerm())
                        .equals(confirmed)) {
            return current.get().machine;
        }
        awaitLeader(timings.leaderTimeout().plus(timings.electionTimeout()).multipliedBy(4));
        return leader().map(m -> m.machine)
                .orElseThrow(() -> new RaftGroupUnavailableException(
                        "Raft group " + groupId
                                + remoteLeaderId()
                                        .map(id -> ": the leader is member " + id + " in another process")
                                        .orElse(" lost its leader"),
                        null));
    }

    public ReplicatedStateMachine machineOf(String memberId) {
        return member(memberId).machine;
    }

    /**
     * Simulates the member's controller stopping: it stops taking part in the group and its store
     * is closed. Commands it was replicating as leader fail with {@link IndeterminateStateException}.
     */
    public void stopMember(String memberId) {
        Member member = member(memberId);
        if (member.stopped) {
            return;
        }
        member.stopped = true;
        disconnect(member.endpoint);
        try {
            await(member.node.terminate(), patience, "termination of member " + memberId);
        } finally {
            member.store.close();
            for (CompletableFuture<?> pending : member.inFlight) {
                pending.completeExceptionally(new IndeterminateStateException());
            }
        }
        LOG.info("Raft group {}: member {} stopped", groupId, memberId);
    }

    /** Stops every member and closes their stores; flushed state is on disk. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<?>> terminations = new ArrayList<>();
        for (Member member : members.values()) {
            if (!member.stopped && member.node != null) {
                member.stopped = true;
                disconnect(member.endpoint);
                terminations.add(member.node.terminate());
            }
        }
        for (CompletableFuture<?> termination : terminations) {
            try {
                await(termination, patience, "termination");
            } catch (RuntimeException e) {
                LOG.warn("Raft group {}: a member did not terminate cleanly", groupId, e);
            }
        }
        for (Member member : members.values()) {
            member.store.close();
            for (CompletableFuture<?> pending : member.inFlight) {
                pending.completeExceptionally(new IllegalStateException("Raft group " + groupId + " is closed"));
            }
        }
        if (forwarding != null) {
            forwarding.close(new IllegalStateException("Raft group " + groupId + " is closed"));
        }
        if (transport instanceof NetworkRaftTransport network) {
            network.close();
        }
        scheduler.shutdownNow();
    }

    private void connect(RaftNode node) {
        switch (transport) {
            case InMemoryRaftTransport inMemory -> inMemory.connect(node);
            case NetworkRaftTransport network -> network.connect(node);
            default -> throw new IllegalStateException("unknown transport " + transport);
        }
    }

    private void disconnect(RaftEndpoint endpoint) {
        switch (transport) {
            case InMemoryRaftTransport inMemory -> inMemory.disconnect(endpoint);
            case NetworkRaftTransport network -> network.disconnect();
            default -> throw new IllegalStateException("unknown transport " + transport);
        }
    }

    private Member member(String memberId) {
        Member member = members.get(memberId);
        if (member == null) {
            throw new IllegalArgumentException(
                    "no member " + memberId + " in Raft group " + groupId + "; members are " + memberIds());
        }
        return member;
    }

    private List<String> liveMemberIds() {
        return members.values().stream()
                .filter(m -> !m.stopped)
                .map(m -> m.id)
                .sorted()
                .toList();
    }

    private void retryLater(Runnable task) {
        if (closed) {
            return;
        }
        try {
            scheduler.schedule(task, retryDelay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed meanwhile; close() fails what is pending.
        }
    }

    private void runOffRaftThread(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run();
        }
    }

    private void await(CompletableFuture<?> future, Duration timeout, String what) {
        try {
            future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new RaftGroupUnavailableException(
                    "Raft group " + groupId + ": no " + what + " within " + timeout + "; live members "
                            + liveMemberIds(),
                    e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Raft group " + groupId + ": " + what + " failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    private static void validateMemberIds(List<String> memberIds) {
        Objects.requireNonNull(memberIds, "memberIds");
        if (memberIds.isEmpty()) {
            throw new IllegalArgumentException("a Raft group needs at least one member");
        }
        Set<String> seen = new HashSet<>();
        for (String id : memberIds) {
            if (id == null || !MEMBER_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("Raft member id " + id
                        + " must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException("Raft member id " + id + " appears twice");
            }
        }
    }

    private static void checkRestoredMembership(
            String groupId, String memberId, List<String> memberIds, RestoredRaftState state, Path file) {
        Object storedId =
                state.getLocalEndpointPersistentState().getLocalEndpoint().getId();
        Set<String> stored = ids(state.getInitialGroupMembers().getMembers());
        if (!memberId.equals(storedId) || !stored.equals(new TreeSet<>(memberIds))) {
            throw new IllegalStateException("Raft store " + file + " belongs to member " + storedId + " of a group "
                    + groupId + " with members " + stored + ", not to member " + memberId + " of members "
                    + new TreeSet<>(memberIds) + "; changing a site's controllers is not supported yet");
        }
    }

    private static Set<String> ids(Collection<RaftEndpoint> endpoints) {
        return endpoints.stream().map(e -> String.valueOf(e.getId())).collect(Collectors.toCollection(TreeSet::new));
    }
}
