package dev.atoll.bench.peer.timefold;

/**
 * One region of a service's users: their weight (hundreds of thousands of people) and their
 * estimated RTT to every site, so the latency constraint is a lookup.
 */
public final class UserDemand {
    public final ServiceFacts service;
    public final long weight;
    private final double[] rttMsToSite;

    public UserDemand(ServiceFacts service, long weight, double[] rttMsToSite) {
        this.service = service;
        this.weight = weight;
        this.rttMsToSite = rttMsToSite.clone();
    }

    public double rttMs(HostNode node) {
        return rttMsToSite[node.site()];
    }
}
