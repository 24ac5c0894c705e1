package io.ebaudit.rules;

import io.ebaudit.rules.catalog.AccessDeniedBurst;
import io.ebaudit.rules.catalog.ChangeByRoot;
import io.ebaudit.rules.catalog.ChangeDegradedHealth;
import io.ebaudit.rules.catalog.ChangeFromUntrustedNetwork;
import io.ebaudit.rules.catalog.ChangeOutsideWindow;
import io.ebaudit.rules.catalog.ChangeWithoutMfa;
import io.ebaudit.rules.catalog.CnameSwapped;
import io.ebaudit.rules.catalog.EnhancedHealthDisabled;
import io.ebaudit.rules.catalog.EnvironmentRebuilt;
import io.ebaudit.rules.catalog.EnvironmentTerminated;
import io.ebaudit.rules.catalog.HttpsListenerRemoved;
import io.ebaudit.rules.catalog.Imdsv1Enabled;
import io.ebaudit.rules.catalog.InstanceProfileChanged;
import io.ebaudit.rules.catalog.LogRetentionLowered;
import io.ebaudit.rules.catalog.LogStreamingDisabled;
import io.ebaudit.rules.catalog.LogsDeletedOnTerminate;
import io.ebaudit.rules.catalog.ManagedUpdatesDisabled;
import io.ebaudit.rules.catalog.ManagedUpdatesLevelLowered;
import io.ebaudit.rules.catalog.OperationsRoleChanged;
import io.ebaudit.rules.catalog.PlaintextSecretInEnvironment;
import io.ebaudit.rules.catalog.PlatformDowngraded;
import io.ebaudit.rules.catalog.ProductionTagRemoved;
import io.ebaudit.rules.catalog.PublicIpEnabled;
import io.ebaudit.rules.catalog.SecurityGroupsChanged;
import io.ebaudit.rules.catalog.ServiceRoleChanged;
import io.ebaudit.rules.catalog.SshKeyAdded;
import io.ebaudit.rules.catalog.SshOpenToWorld;
import java.util.List;

/** Every rule ebaudit ships, in a stable order. A new rule is one class, one metadata JSON, one line here. */
public final class RuleRegistry {
  private RuleRegistry() {}

  public static List<Rule> all() {
    return List.of(
        // config_changes
        new Imdsv1Enabled(),
        new ManagedUpdatesDisabled(),
        new ManagedUpdatesLevelLowered(),
        new EnhancedHealthDisabled(),
        new LogStreamingDisabled(),
        new LogRetentionLowered(),
        new LogsDeletedOnTerminate(),
        new InstanceProfileChanged(),
        new ServiceRoleChanged(),
        new SshOpenToWorld(),
        new SshKeyAdded(),
        new SecurityGroupsChanged(),
        new PublicIpEnabled(),
        new HttpsListenerRemoved(),
        new PlaintextSecretInEnvironment(),
        new PlatformDowngraded(),
        new ProductionTagRemoved(),
        // beanstalk_events
        new OperationsRoleChanged(),
        new EnvironmentTerminated(),
        new EnvironmentRebuilt(),
        new CnameSwapped(),
        new ChangeByRoot(),
        new ChangeWithoutMfa(),
        new ChangeFromUntrustedNetwork(),
        new ChangeOutsideWindow(),
        new AccessDeniedBurst(),
        // impact (with metrics)
        new ChangeDegradedHealth());
  }
}
