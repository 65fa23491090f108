package dev.atoll.model.topology;

import dev.atoll.model.GeoPoint;
import java.util.Set;

/** A location of the cloud: where it is and under which law it operates. */
public record SiteInfo(String name, GeoPoint location, String country, String jurisdiction, Set<String> tags) {
    public SiteInfo {
        tags = Set.copyOf(tags);
    }
}
