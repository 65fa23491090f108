package dev.atoll.bench.peer;

import dev.atoll.bench.instance.PlacementInstance;
import dev.atoll.bench.instance.Workload;
import dev.atoll.model.Resources;
import dev.atoll.model.topology.NodeInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.cloudsimplus.allocationpolicies.VmAllocationPolicy;
import org.cloudsimplus.allocationpolicies.VmAllocationPolicyBestFit;
import org.cloudsimplus.allocationpolicies.VmAllocationPolicyFirstFit;
import org.cloudsimplus.allocationpolicies.VmAllocationPolicySimple;
import org.cloudsimplus.brokers.DatacenterBrokerSimple;
import org.cloudsimplus.core.CloudSimPlus;
import org.cloudsimplus.datacenters.DatacenterSimple;
import org.cloudsimplus.hosts.Host;
import org.cloudsimplus.hosts.HostSimple;
import org.cloudsimplus.resources.Pe;
import org.cloudsimplus.resources.PeSimple;
import org.cloudsimplus.schedulers.vm.VmSchedulerTimeShared;
import org.cloudsimplus.vms.Vm;
import org.cloudsimplus.vms.VmSimple;

/**
 * CloudSim Plus placing the instance with one of its VM allocation policies. Every node is a Host
 * of one Datacenter (in site order), every instance a Vm submitted by one broker in the instance's
 * order. CPU maps exactly: a host has one 1,000-MIPS PE per core and a time-shared VM scheduler, a
 * VM asks for its millicores spread over whole PEs, so "fits" means "enough millicores free", as in
 * Atoll. RAM is in MiB; bandwidth and storage are set so that they never bind. CloudSim Plus has no
 * notion of jurisdiction, latency, spread, drivers or instance slots: it places without them, and
 * the checker counts what that breaks.
 *
 * <p>The timing covers the simulation run that creates the VMs (the broker's requests, the
 * policy's choices, the hosts' allocations); building hosts and VMs is left out. A run stops at
 * its {@link Budget} of wall time.
 */
public final class CloudSimSystem implements PlacementSystem {
    /** The version on the class path, for the table. */
    public static final String VERSION = "8.5.7";

    /** CloudSim Plus's policies, each refusing every VM once the time budget is spent. */
    public enum Policy {
        FIRST_FIT("first fit", budget -> new VmAllocationPolicyFirstFit() {
            @Override
            protected Optional<Host> defaultFindHostForVm(Vm vm) {
                return budget.spent() ? Optional.empty() : super.defaultFindHostForVm(vm);
            }
        }),
        BEST_FIT("best fit", budget -> new VmAllocationPolicyBestFit() {
            @Override
            protected Optional<Host> defaultFindHostForVm(Vm vm) {
                return budget.spent() ? Optional.empty() : super.defaultFindHostForVm(vm);
            }
        }),
        WORST_FIT("simple (worst fit)", budget -> new VmAllocationPolicySimple() {
            @Override
            protected Optional<Host> defaultFindHostForVm(Vm vm) {
                return budget.spent() ? Optional.empty() : super.defaultFindHostForVm(vm);
            }
        });

        private final String label;
        private final Function<Budget, VmAllocationPolicy> create;

        Policy(String label, Function<Budget, VmAllocationPolicy> create) {
            this.label = label;
            this.create = create;
        }
    }

    /**
     * Best and worst fit look at every host for every VM (5,000 hosts x 100,000 VMs takes CloudSim
     * Plus most of an hour), so each run gets a budget of wall time; past it, the policy refuses the
     * remaining VMs at once and they count as unplaced.
     */
    static final class Budget {
        private final long nanos;
        private long deadline = Long.MAX_VALUE;
        private boolean spent;

        Budget(Duration budget) {
            this.nanos = budget.toNanos();
        }

        void start() {
            deadline = System.nanoTime() + nanos;
        }

        boolean spent() {
            if (!spent && System.nanoTime() - deadline > 0) spent = true;
            return spent;
        }
    }

    private static final long HOST_BW = 1_000_000_000L;
    private static final long HOST_STORAGE = 1_000_000_000_000L;
    private static final long MIPS_PER_CORE = 1000;

    private final Policy policy;
    private final Duration budget;

    public CloudSimSystem(Policy policy, Duration budget) {
        this.policy = policy;
        this.budget = budget;
    }

    @Override
    public String name() {
        return "CloudSim Plus " + VERSION + " " + policy.label;
    }

    @Override
    public Outcome place(PlacementInstance instance) {
        try {
            return run(instance);
        } catch (RuntimeException | LinkageError e) {
            return new Outcome.NotAvailable(name(), e.toString());
        }
    }

    private Outcome run(PlacementInstance instance) {
        QuietLogs.apply();
        CloudSimPlus simulation = new CloudSimPlus();
        List<NodeInfo> nodes = instance.nodes();
        List<Host> hosts = new ArrayList<>(nodes.size());
        Map<Host, Integer> nodeOfHost = new IdentityHashMap<>();
        for (int n = 0; n < nodes.size(); n++) {
            Resources capacity = nodes.get(n).capacity();
            int cores = (int) Math.max(1, capacity.cpuMillis() / MIPS_PER_CORE);
            List<Pe> pes = new ArrayList<>(cores);
            double mipsPerPe = (double) capacity.cpuMillis() / cores;
            for (int c = 0; c < cores; c++) pes.add(new PeSimple(mipsPerPe));
            Host host = new HostSimple(mebibytes(capacity.memoryBytes()), HOST_BW, HOST_STORAGE, pes)
                    .setVmScheduler(new VmSchedulerTimeShared());
            hosts.add(host);
            nodeOfHost.put(host, n);
        }
        Budget budget = new Budget(this.budget);
        new DatacenterSimple(simulation, hosts, policy.create.apply(budget));
        DatacenterBrokerSimple broker = new DatacenterBrokerSimple(simulation);
        // One placement, as the other systems make: a VM that fits nowhere is not retried later.
        broker.getVmCreation().setRetryDelay(0);

        int[] nodeOf = new int[instance.instanceCount()];
        Arrays.fill(nodeOf, -1);
        List<Vm> vms = new ArrayList<>(nodeOf.length);
        int i = 0;
        for (Workload w : instance.workloads()) {
            Resources size = w.service().resources();
            long pes = Math.max(1, (size.cpuMillis() + MIPS_PER_CORE - 1) / MIPS_PER_CORE);
            for (int r = 0; r < w.service().replicas(); r++, i++) {
                Vm vm = new VmSimple(i, (double) size.cpuMillis() / pes, pes)
                        .setRam(mebibytes(size.memoryBytes()))
                        .setBw(1)
                        .setSize(1);
                int instanceNumber = i;
                vm.addOnHostAllocationListener(e -> nodeOf[instanceNumber] = nodeOfHost.get(e.getHost()));
                vms.add(vm);
            }
        }
        broker.submitVmList(vms);

        long start = System.nanoTime();
        budget.start();
        simulation.start();
        long nanos = System.nanoTime() - start;
        String note = "";
        if (budget.spent()) {
            long placed = Arrays.stream(nodeOf).filter(n -> n >= 0).count();
            note = String.format(
                    "stopped at its %d s budget with %,d of %,d VMs placed; the rest count as unplaced",
                    this.budget.toSeconds(), placed, nodeOf.length);
        }
        return new Outcome.Placed(name(), nodeOf, Duration.ofNanos(nanos), note);
    }

    private static long mebibytes(long bytes) {
        return bytes >> 20;
    }
}
