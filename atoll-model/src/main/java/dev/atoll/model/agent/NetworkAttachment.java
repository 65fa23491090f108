package dev.atoll.model.agent;

/**
 * One replica's place on one tenant network: the network's segment ({@code vni}), its subnet in CIDR
 * form ({@code 100.64.16.0/20}) and the replica's address in it. Chosen by the environment's home
 * when it places the replica, so it is fixed for the replica's generation: restarts keep it, a
 * re-placement gets a new one.
 */
public record NetworkAttachment(String network, int vni, String subnet, String address) {
    public int prefixLength() {
        return Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1));
    }
}
