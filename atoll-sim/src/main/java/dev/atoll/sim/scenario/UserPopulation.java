package dev.atoll.sim.scenario;

import dev.atoll.model.GeoPoint;

/**
 * People in one place who use the scenario's services: {@code users} weighs them in the user
 * latency figures. {@code name} is what a spec's {@code nearUsers} calls the region.
 */
public record UserPopulation(String name, GeoPoint location, long users) {}
