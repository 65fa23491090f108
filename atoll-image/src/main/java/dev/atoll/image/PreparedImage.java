package dev.atoll.image;

import java.nio.file.Path;

/**
 * An image ready to run on this node: its layers unpacked and verified into {@code rootfs}, which is
 * shared by every instance of the image and must never be written (drivers put a writable layer on
 * top, or copy). {@code manifestDigest} names it.
 */
public record PreparedImage(String manifestDigest, Path rootfs, ImageConfig config) {}
