package dev.atoll.control.gossip;

/** A change in which sites are alive, as one site sees it. */
public sealed interface MembershipEvent {

    /** The site the event is about. */
    String site();

    /** A site became known, with its first card. */
    record Joined(SiteCard card) implements MembershipEvent {
        @Override
        public String site() {
            return card.site();
        }
    }

    /** A known site published a newer card. */
    record Updated(SiteCard card) implements MembershipEvent {
        @Override
        public String site() {
            return card.site();
        }
    }

    /**
     * A site stopped answering this site's probes. It is still a member: it may be slow or cut off
     * from this site only. It is either heard from again or declared {@link Dead}.
     */
    record Suspected(String site) implements MembershipEvent {}

    /** A site said it was leaving (a clean shutdown). */
    record Left(String site) implements MembershipEvent {}

    /** A site stopped answering everyone and was removed without saying goodbye. */
    record Dead(String site) implements MembershipEvent {}
}
