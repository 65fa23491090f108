package dev.atoll.control.network;

import dev.atoll.model.agent.NetworkAttachment;
import dev.atoll.model.network.NetworkMember;
import dev.atoll.model.view.NetworkView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Tenant networks as users see them, made from the members the directory knows. */
public final class NetworkViews {
    private NetworkViews() {}

    /** The tenant's networks that have members now, by name. */
    public static List<NetworkView> of(String tenant, List<NetworkMember> members) {
        Map<String, List<NetworkView.Member>> byNetwork = new TreeMap<>();
        Map<String, NetworkAttachment> segment = new TreeMap<>();
        Map<String, TreeSet<String>> sites = new TreeMap<>();
        for (NetworkMember m : members) {
            if (!m.id().tenant().equals(tenant)) continue;
            for (NetworkAttachment a : m.networks()) {
                segment.putIfAbsent(a.network(), a);
                sites.computeIfAbsent(a.network(), k -> new TreeSet<>()).add(m.site());
                byNetwork
                        .computeIfAbsent(a.network(), k -> new ArrayList<>())
                        .add(new NetworkView.Member(
                                m.id().display(),
                                m.site(),
                                m.node(),
                                a.address(),
                                m.state().wireName()));
            }
        }
        List<NetworkView> views = new ArrayList<>();
        byNetwork.forEach((name, list) -> {
            list.sort(java.util.Comparator.comparing(NetworkView.Member::instance));
            var a = segment.get(name);
            views.add(new NetworkView(tenant, name, a.vni(), a.subnet(), List.copyOf(sites.get(name)), list));
        });
        return views;
    }
}
