#!/usr/bin/env bash
# Smoke-tests a deployed app, with retries (a Flex Consumption app starts on the first request):
#   GET /api/health                     200 {"status":"up"}: liveness, anonymous
#   GET /api/health/details             200, or (unless REQUIRE_HEALTHY) 503 while Blob Storage and Cosmos DB answer;
#                                       with the health-details function's key
#   GET /api/forecast?site=SITE         200 with leads, or (unless REQUIRE_HEALTHY) 404 "no forecast yet"; with the
#                                       forecast function's key
# Each function key is read with the Azure CLI (the function's own key, else the host's default function key) into
# a header file only this user can read; it is never printed and never on a command line. These paths are excluded
# from App Service Authentication (BICEP-NOTES.md), so the key alone opens them.
#
# Environment: RESOURCE_GROUP, FUNCTION_APP_NAME, FUNCTION_APP_URL, SMOKE_TEST_SITE; optional REQUIRE_HEALTHY
# (true, false or auto, any case; default auto), PREVIOUSLY_DEPLOYED (true/false: deploy-infra.sh create's
# previouslyDeployed; auto demands a healthy forecast only when it is true, since the first deployment of an
# environment has no data yet), ATTEMPTS (default 20), DELAY_SECONDS (default 15).
set -euo pipefail
set +x

: "${RESOURCE_GROUP:?}" "${FUNCTION_APP_NAME:?}" "${FUNCTION_APP_URL:?}" "${SMOKE_TEST_SITE:?}"
attempts="${ATTEMPTS:-20}"
delay="${DELAY_SECONDS:-15}"
require_healthy="$(tr '[:upper:]' '[:lower:]' <<<"${REQUIRE_HEALTHY:-auto}")"
case "$require_healthy" in
  true | false) ;;
  auto)
    previously="$(tr '[:upper:]' '[:lower:]' <<<"${PREVIOUSLY_DEPLOYED:-}")"
    case "$previously" in
      true) require_healthy=true; echo "a later deployment of this environment: the app must be healthy and forecast" ;;
      false) require_healthy=false; echo "the first deployment of this environment: no data yet, so a running app with answering stores is enough" ;;
      '') require_healthy=false; echo "PREVIOUSLY_DEPLOYED is not set (a run by hand): treated as a first deployment; set REQUIRE_HEALTHY=true to demand a forecast" ;;
      *) echo "##vso[task.logissue type=error]REQUIRE_HEALTHY=auto needs PREVIOUSLY_DEPLOYED true or false (deploy-infra.sh create sets previouslyDeployed), not \"${PREVIOUSLY_DEPLOYED:-}\""; exit 1 ;;
    esac
    ;;
  *) echo "##vso[task.logissue type=error]REQUIRE_HEALTHY is \"${REQUIRE_HEALTHY}\"; expected true, false or auto"; exit 1 ;;
esac
base="${FUNCTION_APP_URL%/}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
body="$work/body.json"

fail() { echo "##vso[task.logissue type=error]$1"; exit 1; }

# GET url [curl options...] -> prints the HTTP status (000 when there was no answer); the body is in $body.
get() {
  local url="$1" code
  shift
  code="$(curl --silent --show-error --max-time 30 --output "$body" --write-out '%{http_code}' "$@" "$url")" || true
  echo "${code:-000}"
}

# key_header FUNCTION FILE: writes "x-functions-key: <key>" for FUNCTION into FILE (mode 600), straight from the CLI.
key_header() {
  local fn="$1" file="$2" key
  key="$(az functionapp function keys list --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP_NAME" \
    --function-name "$fn" --query default --output tsv 2>/dev/null || true)"
  if [ -z "$key" ]; then
    key="$(az functionapp keys list --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP_NAME" \
      --query functionKeys.default --output tsv)"
  fi
  [ -n "$key" ] || fail "no function key for $fn on $FUNCTION_APP_NAME"
  (umask 077 && printf 'x-functions-key: %s\n' "$key" >"$file")
}

echo "health: $base/api/health"
ok=false
for attempt in $(seq 1 "$attempts"); do
  status="$(get "$base/api/health")"
  if [ "$status" = "200" ] && jq -e '.status == "up"' "$body" >/dev/null 2>&1; then
    jq -c '{status, since}' "$body" || true
    ok=true
    break
  fi
  echo "attempt $attempt/$attempts: HTTP $status"
  sleep "$delay"
done
[ "$ok" = "true" ] || fail "GET /api/health did not answer up after $attempts attempts (last HTTP $status)"

key_header health-details "$work/details-key-header"
echo "health details: $base/api/health/details"
ok=false
for attempt in $(seq 1 "$attempts"); do
  status="$(get "$base/api/health/details" --header "@$work/details-key-header")"
  if [ "$status" = "200" ]; then
    ok=true
  elif [ "$status" = "503" ] && [ "$require_healthy" != "true" ] &&
    jq -e '.services.blobStorage.ok == true and .services.cosmosDb.ok == true' "$body" >/dev/null 2>&1; then
    # A new environment has no data or model yet; what matters is that the app runs and reaches its stores.
    echo "health details are 503 (cannot forecast yet), but Blob Storage and Cosmos DB answer"
    ok=true
  elif [ "$status" = "401" ] || [ "$status" = "403" ]; then
    fail "GET /api/health/details refused the health-details key (HTTP $status): is /api/health/details excluded from App Service Authentication?"
  fi
  if [ "$ok" = "true" ]; then
    jq -c '{status, canForecast, reasons, services}' "$body" || true
    break
  fi
  echo "attempt $attempt/$attempts: HTTP $status$(jq -r '" - " + ((.reasons // []) | join("; "))' "$body" 2>/dev/null || true)"
  sleep "$delay"
done
[ "$ok" = "true" ] || fail "GET /api/health/details did not pass after $attempts attempts (last HTTP $status)"

key_header forecast "$work/key-header"

site="$(jq -rn --arg s "$SMOKE_TEST_SITE" '$s | @uri')"
echo "forecast: $base/api/forecast?site=$site"
ok=false
for attempt in $(seq 1 "$attempts"); do
  status="$(get "$base/api/forecast?site=$site" --header "@$work/key-header")"
  case "$status" in
    200)
      jq -e '(.leads | length) > 0 and (.model.id | type) == "string"' "$body" >/dev/null ||
        fail "GET /api/forecast answered 200 without leads or a model"
      jq -c '{site, issueTime, model: .model.id, leads: [.leads[] | {leadMinutes, value}]}' "$body"
      ok=true
      ;;
    404)
      if [ "$require_healthy" != "true" ]; then
        echo "no forecast for $SMOKE_TEST_SITE yet: $(jq -r '.error // empty' "$body" 2>/dev/null || true)"
        ok=true
      fi
      ;;
    400) fail "GET /api/forecast rejected the site: $(jq -r '.error // empty' "$body" 2>/dev/null || true)" ;;
  esac
  [ "$ok" = "true" ] && break
  echo "attempt $attempt/$attempts: HTTP $status"
  sleep "$delay"
done
[ "$ok" = "true" ] || fail "GET /api/forecast did not pass after $attempts attempts (last HTTP $status)"
echo "smoke test passed"
