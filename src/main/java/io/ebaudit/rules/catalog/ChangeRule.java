package io.ebaudit.rules.catalog;

import io.ebaudit.rules.Rule;

/** A rule over {@code config_changes} rows. */
abstract class ChangeRule implements Rule {
  @Override
  public final Input input() {
    return Input.CHANGES;
  }

  @Override
  public String toString() {
    return id();
  }
}
