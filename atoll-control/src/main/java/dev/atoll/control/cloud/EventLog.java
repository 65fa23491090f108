package dev.atoll.control.cloud;

import dev.atoll.control.site.SiteEvent;
import dev.atoll.model.view.CloudEvent;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The recent events of this process, bounded, with live subscribers. */
public final class EventLog {
    private final Clock clock;
    private final int capacity;
    private final ArrayDeque<CloudEvent> recent = new ArrayDeque<>();
    private final List<Consumer<CloudEvent>> subscribers = new CopyOnWriteArrayList<>();
    private long seq;

    public EventLog(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    public void publish(String site, SiteEvent event) {
        CloudEvent stamped;
        synchronized (this) {
            stamped = new CloudEvent(
                    ++seq,
                    clock.instant(),
                    event.type(),
                    site,
                    event.environment(),
                    event.instance(),
                    event.message(),
                    event.tenant());
            recent.addLast(stamped);
            while (recent.size() > capacity) recent.removeFirst();
        }
        for (var s : subscribers) {
            try {
                s.accept(stamped);
            } catch (RuntimeException e) {
                // A slow or broken subscriber must not stop the site that publishes.
                subscribers.remove(s);
            }
        }
    }

    public synchronized List<CloudEvent> recent(int max) {
        var all = new ArrayList<>(recent);
        return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
    }

    public AutoCloseable subscribe(Consumer<CloudEvent> listener) {
        subscribers.add(listener);
        return () -> subscribers.remove(listener);
    }
}
