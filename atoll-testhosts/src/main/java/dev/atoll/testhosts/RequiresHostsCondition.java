package dev.atoll.testhosts;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The JUnit condition behind {@link RequiresHosts}. */
public final class RequiresHostsCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        HostCapabilities capabilities = HostCapabilities.check();
        return capabilities.available()
                ? ConditionEvaluationResult.enabled("this machine can create network namespaces")
                : ConditionEvaluationResult.disabled(capabilities.reason());
    }
}
