package io.ebaudit.report;

import java.time.LocalDate;

/**
 * One accepted risk: findings of {@code ruleId} on this environment, principal and resource are
 * suppressed until {@code expires} (the last day it holds, inclusive; null never expires). A null
 * environment, principal or resource matches anything; a value matches exactly, or as a glob where
 * {@code *} stands for any characters ({@code arn:aws:iam::123456789012:role/ci-*}). {@code ruleId}
 * and {@code reason} are required.
 */
public record Suppression(
    String ruleId, String environment, String principalArn, String resourceArn, String reason, LocalDate expires) {
  public Suppression {
    if (ruleId == null || ruleId.isBlank()) {
      throw new IllegalArgumentException("Cannot configure: a suppression needs a rule_id, got " + ruleId);
    }
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("Cannot configure: a suppression needs a reason, got " + reason);
    }
  }

  /** Whether it still holds on {@code today}. */
  public boolean activeOn(LocalDate today) {
    return expires == null || !today.isAfter(expires);
  }
}
