/**
 * The embedded DNS server of tenant networks: {@code <service>.<environment>.<tenant>.atoll} for
 * the healthy replicas of a service (same site first, then by round-trip time to their site),
 * {@code <index>.<service>.<environment>.<tenant>.atoll} for one replica, and SRV records under
 * {@code _<port>._tcp.<service>.<environment>.<tenant>.atoll} for named ports. TTLs are one second:
 * instances move, and a stale answer sends traffic to an instance that is gone.
 *
 * <p><b>Why the tenant comes from the client's source address.</b> Tenants never see each other, so
 * a query must be answered for the tenant of the instance that asks, and the only thing about a UDP
 * query that the asking instance cannot choose is where it arrives from: each instance reaches the
 * node's DNS server over its own link, with an address the agent gave it, and the agent knows which
 * tenant that address belongs to. A name, a label or an EDNS option in the query would be the
 * instance's word for who it is. So {@link dev.atoll.net.dns.DnsServer} asks the agent's map
 * ({@code InetAddress -> tenant}) for every query, refuses clients it does not know, and answers a
 * name of another tenant exactly as it answers a name that does not exist (NXDOMAIN), so a probe
 * learns nothing about other tenants.
 *
 * <p>{@link dev.atoll.net.dns.NameTable} is an immutable snapshot built off the hot path; the server
 * reads the newest one from a supplier for each query and never locks. We are authoritative for
 * {@code atoll.} and answer nothing else: instances resolve the rest through their usual resolvers.
 */
package dev.atoll.net.dns;
