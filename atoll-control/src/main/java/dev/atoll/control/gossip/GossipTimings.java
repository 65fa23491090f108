package dev.atoll.control.gossip;

import java.time.Duration;

/**
 * The timings of SWIM gossip, set explicitly because ScaleCube's defaults are tuned for calm
 * data-centre clusters (a graceful leave took about 15 s to be seen, a dead member longer).
 *
 * @param pingInterval how often each site pings one other site (round robin)
 * @param pingTimeout how long a direct ping may take before asking others to ping on our behalf
 * @param pingReqMembers how many others are asked to ping indirectly
 * @param suspicionMult a suspected site is declared dead after suspicionMult x ceil(log2(n+1)) x
 *     pingInterval unless it refutes the suspicion
 * @param syncInterval how often a site swaps its whole membership table with a random other site
 * @param syncTimeout how long such an exchange may take
 * @param gossipInterval how often a site forwards the rumours it holds
 * @param gossipFanout to how many sites each rumour is forwarded per round
 * @param gossipRepeatMult how many rounds a rumour is forwarded, as a multiple of log2(n)
 * @param metadataTimeout how long fetching a site's card may take
 * @param connectTimeout how long opening a TCP connection to a site may take
 * @param rttProbeInterval how often each site's round-trip time is measured
 * @param rttProbeTimeout how long a probe may take before the site is suspected
 * @param rttProbesPerRound the most sites whose RTT is measured per probe interval
 */
public record GossipTimings(
        Duration pingInterval,
        Duration pingTimeout,
        int pingReqMembers,
        int suspicionMult,
        Duration syncInterval,
        Duration syncTimeout,
        Duration gossipInterval,
        int gossipFanout,
        int gossipRepeatMult,
        Duration metadataTimeout,
        Duration connectTimeout,
        Duration rttProbeInterval,
        Duration rttProbeTimeout,
        int rttProbesPerRound) {

    /**
     * How long after a site stops answering every other site of a cloud of {@code sites} has
     * declared it dead, at most, when nothing is lost: the next ping to it (one interval), its
     * timeout and the indirect pings, the suspicion period, then the rumour's spread (one gossip
     * interval per round, log3 rounds in the worst case one per site).
     */
    public Duration deadWithin(int sites) {
        int log2 = 32 - Integer.numberOfLeadingZeros(Math.max(1, sites)); // ceil(log2(n + 1))
        Duration suspicion = pingInterval.multipliedBy((long) suspicionMult * log2);
        Duration spread = gossipInterval.multipliedBy((long) gossipRepeatMult * log2);
        return pingInterval.plus(pingTimeout.multipliedBy(2)).plus(suspicion).plus(spread);
    }

    /**
     * Timings for sites on one LAN or on loopback, where round trips are well under 5 ms.
     *
     * <ul>
     *   <li>ping every 400 ms with a 200 ms timeout: a dead site is pinged by someone about once per
     *       interval, so it is suspected within about 0.6 s; the remaining 200 ms of the interval
     *       leave room for two indirect pings, which keeps one slow link from raising a suspicion.
     *   <li>suspicion multiplier 2 (default 5): dead after 2 x ceil(log2(n+1)) x 400 ms, i.e.
     *       1.6 s for 3 sites and 5.6 s for 100, so a dead site is declared in 2-3 s in a small
     *       cloud and in about 6 s in a large one (default: 4 s and 14 s longer).
     *   <li>gossip every 100 ms to 3 sites, repeated 3 x log2(n) rounds: a rumour (a join, a leave,
     *       a new card) reaches 100 sites in about log3(100) = 5 rounds, half a second; a graceful
     *       leave is therefore seen well within a second.
     *   <li>full sync every 1 s (default 30 s): repairs any rumour lost on the way; a table of 100
     *       members is a few kilobytes, cheap once a second.
     *   <li>1 s for a sync, a metadata fetch or a connect: generous for a LAN, short enough that a
     *       dead site does not hold anything up for long.
     *   <li>RTT probe every 1 s, at most 8 sites a round: placement needs a smoothed figure, not a
     *       fast one, and the echo traffic per site stays flat as the cloud grows.
     * </ul>
     *
     * Between continents (RTT up to ~300 ms) the ping timeout and the suspicion multiplier must
     * grow, or healthy far sites will be suspected; that is a separate set of timings.
     */
    public static final GossipTimings LAN = new GossipTimings(
            Duration.ofMillis(400),
            Duration.ofMillis(200),
            2,
            2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofMillis(100),
            3,
            3,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            8);
}
