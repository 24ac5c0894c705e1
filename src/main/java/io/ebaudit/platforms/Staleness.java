package io.ebaudit.platforms;

import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/**
 * The verdict for one platform in use: how far it is behind its branch's recommended version, the
 * branch's lifecycle, and whether managed platform updates will close the gap.
 *
 * <h2>Managed updates</h2>
 * They reach a version only when enabled, with {@code UpdateLevel} set ({@code patch} or {@code minor},
 * case-insensitive; the option has no default, and without it nothing is applied), within the same
 * branch (never across branches), within the same major version, and with {@code patch} only within the
 * same minor version.
 *
 * <h2>Finding and severity</h2>
 * Severities are ebaudit's ({@code critical > high > medium > low > info}). The first matching row wins.
 * <table>
 *   <caption>Severity table</caption>
 *   <tr><th>situation</th><th>finding id</th><th>severity</th></tr>
 *   <tr><td>platform not determined (no ARN and no stack name)</td><td>{@code eb_platform_unknown}</td>
 *       <td>info</td></tr>
 *   <tr><td>branch not in the catalog (including custom platforms the catalog does not list)</td>
 *       <td>{@code eb_platform_unknown}</td><td>low</td></tr>
 *   <tr><td>branch retired, today after the deadline (retirement date + 90 days)</td>
 *       <td>{@code eb_platform_branch_retired}</td><td>critical</td></tr>
 *   <tr><td>branch retired, deadline not passed or retirement date unknown</td>
 *       <td>{@code eb_platform_branch_retired}</td><td>high</td></tr>
 *   <tr><td>branch deprecated, retirement date known and 90 days away or less (or passed)</td>
 *       <td>{@code eb_platform_branch_deprecated}</td><td>high</td></tr>
 *   <tr><td>branch deprecated otherwise</td><td>{@code eb_platform_branch_deprecated}</td><td>medium</td></tr>
 *   <tr><td>behind the branch's target version (supported, beta or unknown lifecycle)</td>
 *       <td>{@code eb_platform_outdated}</td>
 *       <td>start at low (patch or minor behind) or medium (major behind); one step up if managed
 *       updates cannot reach the target; one step up if 10 or more catalog versions behind; at most
 *       high</td></tr>
 *   <tr><td>at (or ahead of) the target on a live branch</td><td>none ({@code null})</td>
 *       <td>{@code null}</td></tr>
 * </table>
 * So a patch behind with managed updates on is low, off is medium; a minor behind with {@code patch}
 * updates is medium; a major behind is high.
 */
public final class Staleness {

  /** Days an environment keeps running on a retired branch, per the AWS platform support policy. */
  public static final int GRACE_DAYS = 90;
  /** Versions behind from which severity rises one step. */
  public static final int MANY_VERSIONS = 10;

  public static final String OUTDATED = "eb_platform_outdated";
  public static final String DEPRECATED = "eb_platform_branch_deprecated";
  public static final String RETIRED = "eb_platform_branch_retired";
  public static final String UNKNOWN = "eb_platform_unknown";

  private static final String[] LEVELS = {"info", "low", "medium", "high", "critical"};

  /** How far behind, by the highest version part that differs. */
  public enum Behind { NONE, PATCH, MINOR, MAJOR }

  /**
   * @param current            the platform assessed (null when undetermined)
   * @param branch             its branch name (null when undetermined)
   * @param currentVersion     its version (null when undetermined)
   * @param targetVersion      the branch's recommended version, else the newest in the catalog
   * @param targetRecommended  whether {@code targetVersion} is marked recommended (false: newest known)
   * @param behind             the highest version part that differs
   * @param majorBehind        target major − current major (0 when not behind)
   * @param minorBehind        target minor − current minor when the majors are equal, else 0
   * @param patchBehind        target patch − current patch when major and minor are equal, else 0
   * @param versionsBehind     catalog versions newer than the current one, up to the target
   * @param branchLifecycle    the branch's lifecycle ({@link Lifecycle#UNKNOWN} when not known)
   * @param retirementDate     the branch's retirement date when known
   * @param deadline           retirement date + {@value #GRACE_DAYS} days when known
   * @param managedUpdatesReach whether managed updates can take the environment to the target
   * @param findingId          suggested finding id; null when nothing to report
   * @param severity           suggested severity; null when nothing to report
   * @param reason             one sentence explaining the verdict
   */
  public record Assessment(PlatformId current, String branch, Version currentVersion, Version targetVersion,
      boolean targetRecommended, Behind behind, int majorBehind, int minorBehind, int patchBehind,
      int versionsBehind, Lifecycle branchLifecycle, LocalDate retirementDate, LocalDate deadline,
      boolean managedUpdatesReach, String findingId, String severity, String reason) {

    public boolean hasFinding() {
      return findingId != null;
    }
  }

  private Staleness() {}

  /**
   * Assesses {@code current} against {@code catalog}.
   *
   * @param updateLevel {@code "patch"}, {@code "minor"} (case-insensitive) or null (not set)
   */
  public static Assessment assess(PlatformId current, PlatformCatalog catalog, boolean managedUpdatesEnabled,
      String updateLevel, LocalDate today) {
    if (current == null) {
      return new Assessment(null, null, null, null, false, Behind.NONE, 0, 0, 0, 0, Lifecycle.UNKNOWN, null,
          null, false, UNKNOWN, "info", "the environment's platform could not be determined");
    }
    Optional<PlatformCatalog.Branch> found = catalog.branch(current);
    if (found.isEmpty()) {
      return new Assessment(current, current.branchName(), current.version(), null, false, Behind.NONE, 0, 0,
          0, 0, Lifecycle.UNKNOWN, null, null, false, UNKNOWN, "low",
          "branch '" + current.branchName() + "' is not in the platform catalog"
              + (catalog.asOf() == null ? "" : " (as of " + catalog.asOf() + ")"));
    }
    PlatformCatalog.Branch branch = found.get();
    Version cur = current.version();
    Optional<Version> recommended = branch.recommended();
    Version target = recommended.or(branch::newest).orElse(null);

    Behind behind = Behind.NONE;
    int major = 0;
    int minor = 0;
    int patch = 0;
    int versions = 0;
    if (cur != null && target != null && target.isNewerThan(cur)) {
      major = target.major() - cur.major();
      minor = major == 0 ? target.minor() - cur.minor() : 0;
      patch = major == 0 && minor == 0 ? target.patch() - cur.patch() : 0;
      behind = major > 0 ? Behind.MAJOR : minor > 0 ? Behind.MINOR : Behind.PATCH;
      versions = branch.versionsBetween(cur, target);
    }
    boolean reach = cur != null && target != null
        && canReach(cur, target, managedUpdatesEnabled, updateLevel);
    LocalDate retirement = branch.retirementDate();
    LocalDate deadline = retirement == null ? null : retirement.plusDays(GRACE_DAYS);
    Lifecycle lifecycle = branch.lifecycle();

    String id;
    String severity;
    String reason;
    if (lifecycle == Lifecycle.RETIRED) {
      id = RETIRED;
      boolean past = deadline != null && today.isAfter(deadline);
      severity = past ? "critical" : "high";
      reason = "branch '" + branch.name() + "' is retired"
          + (retirement == null ? " (retirement date unknown)" : " since " + retirement + "; deadline " + deadline
              + (past ? " has passed" : ""))
          + "; managed updates never move an environment to another branch";
    } else if (lifecycle == Lifecycle.DEPRECATED) {
      id = DEPRECATED;
      boolean soon = retirement != null && !today.plusDays(GRACE_DAYS).isBefore(retirement);
      severity = soon ? "high" : "medium";
      reason = "branch '" + branch.name() + "' is deprecated"
          + (retirement == null ? "" : ", retiring " + retirement)
          + "; managed updates never move an environment to another branch";
    } else if (behind != Behind.NONE) {
      id = OUTDATED;
      int level = behind == Behind.MAJOR ? 2 : 1;
      if (!reach) {
        level++;
      }
      if (versions >= MANY_VERSIONS) {
        level++;
      }
      severity = LEVELS[Math.min(level, 3)];
      reason = cur + " is " + behind.name().toLowerCase(Locale.ROOT) + " level(s) behind "
          + (recommended.isPresent() ? "the recommended " : "the newest known ") + target + " ("
          + versions + " catalog version(s)); managed updates "
          + (reach ? "will reach it" : "will not reach it" + whyNot(cur, target, managedUpdatesEnabled, updateLevel));
    } else {
      id = null;
      severity = null;
      reason = cur == null ? "platform version unknown on a " + lifecycle.apiName() + " branch"
          : cur + " is at or ahead of the branch's " + (target == null ? "known versions" : "target " + target);
    }
    return new Assessment(current, branch.name(), cur, target, recommended.isPresent(), behind, major, minor,
        patch, versions, lifecycle, retirement, deadline, reach, id, severity, reason);
  }

  /**
   * Whether managed platform updates can take {@code from} to {@code to}: never across branches (or
   * between custom and AWS platforms), never across majors, {@code patch} never applies a minor version,
   * and nothing when disabled or the level is not set.
   */
  public static boolean canReach(PlatformId from, PlatformId to, boolean enabled, String updateLevel) {
    if (from == null || to == null || from.version() == null || to.version() == null) {
      return false;
    }
    if (from.custom() || to.custom() || !from.branchKey().equals(to.branchKey())) {
      return false;
    }
    return canReach(from.version(), to.version(), enabled, updateLevel);
  }

  /** {@link #canReach(PlatformId, PlatformId, boolean, String)} within one branch. */
  public static boolean canReach(Version from, Version to, boolean enabled, String updateLevel) {
    if (!enabled || updateLevel == null || from.major() != to.major()) {
      return false;
    }
    String level = updateLevel.trim().toLowerCase(Locale.ROOT);
    if (level.equals("minor")) {
      return true;
    }
    return level.equals("patch") && from.minor() == to.minor();
  }

  private static String whyNot(Version cur, Version target, boolean enabled, String level) {
    if (!enabled) {
      return " (managed updates are off)";
    }
    if (level == null) {
      return " (UpdateLevel not set)";
    }
    if (cur.major() != target.major()) {
      return " (they never apply a major version)";
    }
    return " (UpdateLevel=" + level + " never applies a minor version)";
  }
}
