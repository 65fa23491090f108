package dev.atoll.control.gossip;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Which sites are alive and what each says about itself. Production gossips over the network
 * ({@link ScalecubeMembership}); the simulator implements the same interface in memory.
 */
public interface Membership extends AutoCloseable {

    /** The name of this site. */
    String self();

    /** The live sites by site name, this site included, each with its newest card. */
    Map<String, SiteCard> members();

    /**
     * Replaces this site's card. The card must name this site; its sequence is raised above the one
     * published before if it is not already, so a caller never has to track sequences.
     */
    void publish(SiteCard mine);

    /**
     * Calls the listener on every change to the other sites from now on. Sites already known are not
     * replayed: subscribe first, then read {@link #members()}. Listeners run on the membership's own thread:
     * keep them short and hand the event to the site's event loop. Closing the returned handle
     * stops the calls.
     */
    AutoCloseable onChange(Consumer<MembershipEvent> listener);

    /**
     * The smoothed round-trip time to each other site measured so far; empty where nothing
     * measures (an in-memory simulation).
     */
    default Map<String, Duration> rtt() {
        return Map.of();
    }

    /** Leaves the cluster gracefully, so the others see this site leave rather than die. */
    @Override
    void close();
}
