package dev.atoll.model.view;

import java.util.List;

/**
 * One tenant network as users see it: its segment, its subnet, the sites it spans now (those with a
 * member) and its members.
 */
public record NetworkView(
        String tenant, String name, int vni, String subnet, List<String> sites, List<Member> members) {
    public NetworkView {
        sites = List.copyOf(sites);
        members = List.copyOf(members);
    }

    /** One replica on the network: its id as users see it ({@code environment.service.index}). */
    public record Member(String instance, String site, String node, String address, String state) {}
}
