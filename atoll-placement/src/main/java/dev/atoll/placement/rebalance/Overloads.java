package dev.atoll.placement.rebalance;

import dev.atoll.model.Resources;
import dev.atoll.model.topology.NodeInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which nodes are overloaded, from their load samples: a node is when its cpu or its memory use
 * has stayed above the policy's share of its capacity, sample after sample, for at least the
 * window. Pure: the samples and the time are given.
 */
public final class Overloads {
    private Overloads() {}

    /**
     * The overloaded nodes of {@code layout}, in the layout's node order. A node without samples,
     * or whose samples do not reach back a whole window, is not overloaded: pressure not yet seen
     * for long enough is not acted on.
     */
    public static List<NodeEvent.Overload> detect(
            CloudLayout layout, List<LoadSample> samples, OverloadPolicy policy, long nowMillis) {
        Map<String, List<LoadSample>> byNode = new HashMap<>();
        for (LoadSample s : samples) {
            if (s.atMillis() <= nowMillis)
                byNode.computeIfAbsent(s.nodeId(), k -> new ArrayList<>()).add(s);
        }
        List<NodeEvent.Overload> out = new ArrayList<>();
        for (NodeInfo node : layout.nodes()) {
            List<LoadSample> ofNode = byNode.get(node.id());
            if (ofNode == null) continue;
            ofNode.sort(Comparator.comparingLong(LoadSample::atMillis));
            long cpuLimit = policy.cpuLimitMillis(node.capacity().cpuMillis());
            long memoryLimit = policy.memoryLimitBytes(node.capacity().memoryBytes());
            long cpuSince = overSince(ofNode, true, cpuLimit);
            long memorySince = overSince(ofNode, false, memoryLimit);
            LoadSample latest = ofNode.get(ofNode.size() - 1);
            List<String> reasons = new ArrayList<>();
            long since = Long.MAX_VALUE;
            if (cpuSince != Long.MAX_VALUE && nowMillis - cpuSince >= policy.windowMillis()) {
                reasons.add(phrase(
                        "cpu",
                        latest.used().cpuMillis(),
                        node.capacity().cpuMillis(),
                        policy.cpuThreshold(),
                        nowMillis - cpuSince));
                since = cpuSince;
            }
            if (memorySince != Long.MAX_VALUE && nowMillis - memorySince >= policy.windowMillis()) {
                reasons.add(phrase(
                        "memory",
                        latest.used().memoryBytes(),
                        node.capacity().memoryBytes(),
                        policy.memoryThreshold(),
                        nowMillis - memorySince));
                since = Math.min(since, memorySince);
            }
            if (!reasons.isEmpty()) {
                out.add(new NodeEvent.Overload(
                        node.id(), latest.used(), new Resources(cpuLimit, memoryLimit), since, reasons));
            }
        }
        return out;
    }

    /**
     * The time of the earliest sample of the unbroken run of samples over the limit that ends
     * with the latest sample; {@code Long.MAX_VALUE} when the latest sample is not over.
     */
    private static long overSince(List<LoadSample> sorted, boolean cpu, long limit) {
        long since = Long.MAX_VALUE;
        for (int i = sorted.size() - 1; i >= 0; i--) {
            Resources used = sorted.get(i).used();
            long value = cpu ? used.cpuMillis() : used.memoryBytes();
            if (value <= limit) break;
            since = sorted.get(i).atMillis();
        }
        return since;
    }

    private static String phrase(String what, long used, long capacity, double threshold, long forMillis) {
        long percent = capacity == 0 ? 100 : Math.round(100.0 * used / capacity);
        return what + " " + percent + "% above " + Math.round(threshold * 100) + "% for " + (forMillis / 1000) + "s";
    }
}
