package dev.atoll.model;

/** An amount of compute: cpu in millicores, memory in bytes. Used both for requests and capacity. */
public record Resources(long cpuMillis, long memoryBytes) {
    public static final Resources ZERO = new Resources(0, 0);

    public Resources {
        if (cpuMillis < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException(
                    "resources cannot be negative: " + cpuMillis + "m, " + memoryBytes + "B");
        }
    }

    public Resources plus(Resources other) {
        return new Resources(cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes);
    }

    /** Never below zero: free capacity of an over-committed node is none, not negative. */
    public Resources minusClamped(Resources other) {
        return new Resources(Math.max(0, cpuMillis - other.cpuMillis), Math.max(0, memoryBytes - other.memoryBytes));
    }

    public Resources times(int n) {
        return new Resources(cpuMillis * n, memoryBytes * n);
    }

    public boolean fitsIn(Resources capacity) {
        return cpuMillis <= capacity.cpuMillis && memoryBytes <= capacity.memoryBytes;
    }

    @Override
    public String toString() {
        return Quantities.formatCpu(cpuMillis) + " cpu, " + Quantities.formatMemory(memoryBytes) + " memory";
    }
}
