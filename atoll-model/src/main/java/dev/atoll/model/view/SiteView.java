package dev.atoll.model.view;

import dev.atoll.model.Resources;
import java.util.List;
import java.util.Set;

/** A site as the API and CLI show it. */
public record SiteView(
        String name,
        String country,
        String jurisdiction,
        double lat,
        double lon,
        Set<String> tags,
        String health,
        String leader,
        List<String> controllers,
        int nodes,
        int instances,
        Resources capacity,
        Resources allocated) {}
