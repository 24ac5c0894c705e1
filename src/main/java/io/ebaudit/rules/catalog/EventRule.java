package io.ebaudit.rules.catalog;

import io.ebaudit.rules.Rule;

/** A rule over {@code beanstalk_events} rows. */
abstract class EventRule implements Rule {
  @Override
  public final Input input() {
    return Input.EVENTS;
  }

  @Override
  public String toString() {
    return id();
  }
}
