package dev.atoll.control.federation;

/** A home claim on one environment, as one entry of a batch sent to a site (see {@link Federation#claimHomes}). */
public record EnvironmentClaim(String tenant, String environment, HomeClaim claim) {}
