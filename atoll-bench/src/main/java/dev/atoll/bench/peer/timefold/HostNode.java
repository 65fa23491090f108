package dev.atoll.bench.peer.timefold;

/** A node as Timefold sees it: a planning value with its capacity and its site. */
public record HostNode(int index, int site, long cpuMillis, long memoryBytes, int slots) {}
