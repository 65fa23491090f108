package dev.atoll.testhosts;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that runs on real hosts: tags it {@code host} and skips it, with the reason from
 * {@link HostCapabilities#check()}, where this machine cannot create network namespaces (e.g. not root).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("host")
@ExtendWith(RequiresHostsCondition.class)
public @interface RequiresHosts {}
