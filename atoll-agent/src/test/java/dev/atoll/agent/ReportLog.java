package dev.atoll.agent;

import dev.atoll.model.agent.InstanceReport;
import dev.atoll.model.instance.InstanceId;
import dev.atoll.model.instance.InstanceState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Records every report an agent sends, in order. */
final class ReportLog implements Consumer<InstanceReport> {
    private final List<InstanceReport> reports = new CopyOnWriteArrayList<>();

    @Override
    public void accept(InstanceReport report) {
        reports.add(report);
    }

    List<InstanceReport> of(InstanceId id) {
        return reports.stream().filter(r -> r.id().equals(id)).toList();
    }

    Optional<InstanceReport> last(InstanceId id) {
        var all = of(id);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    Optional<InstanceReport> first(InstanceId id, Predicate<InstanceReport> matching) {
        return of(id).stream().filter(matching).findFirst();
    }

    boolean has(InstanceId id, Predicate<InstanceReport> matching) {
        return first(id, matching).isPresent();
    }

    static Predicate<InstanceReport> in(InstanceState state) {
        return r -> r.state() == state;
    }

    static Predicate<InstanceReport> runningOtherThan(long pid) {
        return r -> r.state() == InstanceState.RUNNING
                && r.pid().isPresent()
                && r.pid().get() != pid;
    }

    @Override
    public String toString() {
        return reports.toString();
    }
}
