package dev.atoll.placement.rebalance;

import dev.atoll.model.topology.SiteInfo;
import java.util.OptionalInt;

/**
 * What running at a site costs in energy, from the site's tags (the topology has no fields of its
 * own for it, and tags already travel in gossip): {@value #GREEN_TAG} marks a site on green power,
 * {@code energy-price=N} its price in EUR per MWh. A site without a price is taken at {@link
 * #REFERENCE_PRICE}.
 *
 * @param green whether the site runs on green power
 * @param pricePerMwh its price, when known
 */
public record SiteEnergy(boolean green, OptionalInt pricePerMwh) {
    public static final String GREEN_TAG = "green";
    public static final String PRICE_TAG_PREFIX = "energy-price=";
    public static final int REFERENCE_PRICE = 100;

    /** Units an idle node costs: what packing saves by freeing a node whole. */
    public static final long IDLE_NODE_COST = 100;

    /** Units a busy core costs at the reference price on ordinary power. */
    public static final long CORE_COST = 10;

    public static SiteEnergy of(SiteInfo site) {
        OptionalInt price = OptionalInt.empty();
        for (String tag : site.tags()) {
            if (!tag.startsWith(PRICE_TAG_PREFIX)) continue;
            try {
                price = OptionalInt.of(Integer.parseInt(tag.substring(PRICE_TAG_PREFIX.length())));
            } catch (NumberFormatException e) {
                // A tag that is not a price is just a tag; the reference price stands.
            }
        }
        return new SiteEnergy(site.tags().contains(GREEN_TAG), price);
    }

    /**
     * Cost units of {@code cpuMillis} busy here: {@link #CORE_COST} a core, times price / reference
     * price, halved on green power.
     */
    public long cost(long cpuMillis) {
        double cost = CORE_COST * (cpuMillis / 1000.0) * pricePerMwh.orElse(REFERENCE_PRICE) / REFERENCE_PRICE;
        return Math.round(green ? cost / 2 : cost);
    }
}
