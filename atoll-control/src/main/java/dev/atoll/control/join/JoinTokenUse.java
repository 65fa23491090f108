package dev.atoll.control.join;

/** What consuming a join token came to (the response of {@code SiteCommand.ConsumeJoinToken}). */
public sealed interface JoinTokenUse {
    /** The token was valid and is now used up. */
    record Accepted(JoinToken token) implements JoinTokenUse {}

    /** @param reason what the joining process is told: unknown, used, expired, for another role or site */
    record Refused(String reason) implements JoinTokenUse {}
}
