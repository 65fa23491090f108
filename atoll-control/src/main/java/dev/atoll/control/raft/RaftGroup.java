package dev.atoll.control.raft;

import io.microraft.Ordered;
import io.microraft.RaftConfig;
import io.microraft.RaftEndpoint;
import io.microraft.RaftNode;
import io.microraft.exception.CannotReplicateException;
import io.microraft.exception.IndeterminateStateException;
import io.microraft.exception.NotLeaderException;
import io.microraft.persistence.RestoredRaftState;
import io.microraft.report.RaftTerm;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
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
    private final Map<String, Member> members;
    private final InMemoryRaftTransport transport;
    /** Runs retries, leader polls and completes callers' futures off the Raft threads. */
    private final ScheduledExecutorService scheduler;

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
        final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
        RaftNode node;
        volatile boolean stopped;

        Member(String id, MvStoreRaftStore store, ReplicatedStateMachine machine) {
            this.id = id;
            this.endpoint = new MemberEndpoint(id);
            this.store = store;
            this.machine = machine;
        }
    }

    private RaftGroup(
            String groupId, RaftTimings timings, Map<String, Member> members, InMemoryRaftTransport transport) {
        this.groupId = groupId;
        this.timings = timings;
        this.members = members;
        this.transport = transport;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "raft-" + groupId + "-client");
            thread.setDaemon(true);
            return thread;
        });
        this.retryDelay = timings.heartbeatPeriod().dividedBy(5);
        // Long enough for several failed elections in a row, so giving up means something is wrong.
        this.patience = timings.leaderTimeout()
                .plus(timings.electionTimeout())
                .multipliedBy(10)
                .plusSeconds(5);
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

            group = new RaftGroup(groupId, timings, Map.copyOf(members), transport);
            group.startMembers(memberIds, restored);
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

    private void startMembers(List<String> memberIds, Map<String, Optional<RestoredRaftState>> restored) {
        DilatedTime time = DilatedTime.forTimings(timings, Clock.systemUTC());
        RaftConfig config = raftConfig(time);
        List<RaftEndpoint> endpoints = memberIds.stream()
                .map(id -> (RaftEndpoint) members.get(id).endpoint)
                .toList();
        for (String id : memberIds) {
            Member member = members.get(id);
            RaftNode.RaftNodeBuilder builder = RaftNode.newBuilder()
                    .setGroupId(groupId)
                    .setConfig(config)
                    .setExecutor(time.newExecutor("raft-" + groupId + "-" + id, (groupId + "/" + id).hashCode()))
                    .setClock(time.clock())
                    .setTransport(transport)
                    .setStateMachine(new ReplicatedMachineAdapter(member.machine))
                    .setStore(member.store)
                    .setModelFactory(RaftLogCodec.MODEL);
            Optional<RestoredRaftState> state = restored.get(id);
            if (state.isPresent()) {
                builder.setRestoredState(state.get());
            } else {
                builder.setLocalEndpoint(member.endpoint).setInitialGroupMembers(endpoints);
            }
            member.node = builder.build();
            transport.connect(member.node);
        }
        List<CompletableFuture<?>> started = new ArrayList<>();
        for (Member member : members.values()) {
            started.add(member.node.start());
        }
        for (CompletableFuture<?> start : started) {
            await(start, patience, "start of a member");
        }
        LOG.info(
                "Raft group {} started with members {}{}",
                groupId,
                memberIds,
                restored.values().stream().anyMatch(Optional::isPresent) ? " (restored from disk)" : "");
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

    /** The member ids, sorted. */
    public List<String> memberIds() {
        return members.values().stream().map(m -> m.id).sorted().toList();
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

    public Optional<String> leaderId() {
        return leader().map(m -> m.id);
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
     */
    public ReplicatedStateMachine leaderMachine() {
        awaitLeader(timings.leaderTimeout().plus(timings.electionTimeout()).multipliedBy(4));
        return leader().map(m -> m.machine)
                .orElseThrow(
                        () -> new RaftGroupUnavailableException("Raft group " + groupId + " lost its leader", null));
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
        transport.disconnect(member.endpoint);
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
                transport.disconnect(member.endpoint);
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
        scheduler.shutdownNow();
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

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
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
