#!/usr/bin/env bash
# Uploads the ebaudit job jar and configuration to S3 and adds the weekly or backfill step(s) to a running
# EMR cluster. Uses the AWS CLI with the default credential chain (instance profile, AWS_PROFILE, SSO):
# no credentials here.
#
#   jobs/submit-emr.sh --cluster-id j-XXXXXXXX --artifacts s3://my-artifacts/ebaudit \
#       --trail s3://my-org-trail/AWSLogs/ --out s3://my-audit/ebaudit \
#       [--steps weekly --report-date 2026-11-29 | --steps backfill --from 2026-01-01 --to 2026-11-29] \
#       [--conf conf/ebaudit.yaml] [--public-keys public-keys.json] [--jar target/ebaudit-*-emr.jar] \
#       [--no-upload] [--dry-run]
#
# --dry-run prints the commands and the steps JSON instead of running them. --no-upload adds the steps
# with the jar and configuration already in --artifacts (the scheduled run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

cluster="" artifacts="" trail="" out="" steps="weekly" report_date="" from="" to=""
conf="$root/conf/ebaudit.yaml" public_keys="" jar="" upload=1 dry_run=0

die() { echo "submit-emr: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --cluster-id) cluster="${2:?}"; shift 2 ;;
    --artifacts) artifacts="${2%/}"; shift 2 ;;
    --trail) trail="${2:?}"; shift 2 ;;
    --out) out="${2%/}"; shift 2 ;;
    --steps) steps="${2:?}"; shift 2 ;;
    --report-date) report_date="${2:?}"; shift 2 ;;
    --from) from="${2:?}"; shift 2 ;;
    --to) to="${2:?}"; shift 2 ;;
    --conf) conf="${2:?}"; shift 2 ;;
    --public-keys) public_keys="${2:?}"; shift 2 ;;
    --jar) jar="${2:?}"; shift 2 ;;
    --no-upload) upload=0; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "Cannot submit: unknown option, got $1" ;;
  esac
done

[[ -n "$cluster" ]] || die "Cannot submit: --cluster-id is required, got nothing"
[[ "$cluster" =~ ^j-[A-Z0-9]+$ ]] || die "Cannot submit: --cluster-id looks like j-1A2B3C4D5E6F, got $cluster"
[[ "$artifacts" == s3://* ]] || die "Cannot submit: --artifacts must be an s3:// prefix, got ${artifacts:-nothing}"
[[ "$trail" == s3://* ]] || die "Cannot submit: --trail must be an s3:// URI, got ${trail:-nothing}"
[[ "$out" == s3://* ]] || die "Cannot submit: --out must be an s3:// prefix, got ${out:-nothing}"
date_re='^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
case "$steps" in
  weekly)
    [[ "$report_date" =~ $date_re ]] || die "Cannot submit: --steps weekly needs --report-date YYYY-MM-DD, got ${report_date:-nothing}"
    template="$here/emr/steps-weekly.json" ;;
  backfill)
    [[ "$from" =~ $date_re && "$to" =~ $date_re ]] || die "Cannot submit: --steps backfill needs --from and --to YYYY-MM-DD, got ${from:-nothing}..${to:-nothing}"
    template="$here/emr/steps-backfill.json" ;;
  *) die "Cannot submit: --steps is weekly or backfill, got $steps" ;;
esac

if [[ -z "$jar" && $upload -eq 1 ]]; then
  shopt -s nullglob
  jars=("$root"/target/ebaudit-*-emr.jar)
  shopt -u nullglob
  [[ ${#jars[@]} -eq 1 ]] || die "Cannot submit: build the job jar first (mvn -B -DskipTests package), got ${#jars[@]} target/ebaudit-*-emr.jar"
  jar="${jars[0]}"
fi

run() {
  if [[ $dry_run -eq 1 ]]; then
    printf '+'; printf ' %q' "$@"; printf '\n'
  else
    "$@"
  fi
}

# Placeholders in the step templates are ${NAME}; values are s3:// URIs and dates, escaped for sed.
escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }
steps_json="$(mktemp)"
trap 'rm -f "$steps_json"' EXIT
sed -e "s|\${ARTIFACTS}|$(escape "$artifacts")|g" \
    -e "s|\${TRAIL}|$(escape "$trail")|g" \
    -e "s|\${OUT}|$(escape "$out")|g" \
    -e "s|\${REPORT_DATE}|$(escape "$report_date")|g" \
    -e "s|\${FROM}|$(escape "$from")|g" \
    -e "s|\${TO}|$(escape "$to")|g" \
    "$template" > "$steps_json"
if grep -q '\${' "$steps_json"; then
  die "Cannot submit: $template has a placeholder this script does not fill, got $(grep -o '\${[A-Z_]*}' "$steps_json" | sort -u | tr '\n' ' ')"
fi

if [[ $upload -eq 1 ]]; then
  run aws s3 cp "$jar" "$artifacts/ebaudit-emr.jar"
  run aws s3 cp "$conf" "$artifacts/conf/ebaudit.yaml"
  if [[ -n "$public_keys" ]]; then
    run aws s3 cp "$public_keys" "$artifacts/public-keys.json"
  fi
fi
if [[ $dry_run -eq 1 ]]; then
  echo "+ aws emr add-steps --cluster-id $cluster --steps file://<<"
  cat "$steps_json"
else
  aws emr add-steps --cluster-id "$cluster" --steps "file://$steps_json"
fi
