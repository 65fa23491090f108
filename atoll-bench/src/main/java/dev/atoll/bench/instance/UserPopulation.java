package dev.atoll.bench.instance;

import dev.atoll.model.spec.PlacementIntent.UserRegion;

/** The users of a service in one region: where they are and how many, to weigh their latency. */
public record UserPopulation(UserRegion region, long people) {
    public UserPopulation {
        if (people < 1) throw new IllegalArgumentException("people must be at least 1, got " + people);
    }
}
