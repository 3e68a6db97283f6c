#!/usr/bin/env bash
# Retrains against a deployed environment, in an AzureCLI@2 step signed in as the service connection: the train
# command reaches the storage account through AzureWebJobsStorage__blobServiceUri and DefaultAzureCredential (the
# Azure CLI sign-in), publishes a new registry version and promotes it only if it beats the champion. The
# configuration's %SETTING% references are resolved from the app's own settings, so training reads the same
# configuration as the deployed app. Writes train.log, models.txt and summary.md to REPORT_FOLDER. Values of settings
# that are secrets (a name with KEY, SECRET, PASSWORD or TOKEN: the provider keys) are registered with the agent as
# secrets (##vso[task.setsecret]) before anything runs, so the log masks them wherever they appear. The service
# connection needs Storage Blob Data Contributor on the app's containers: bicep/main.bicep's pipelinePrincipalId, which
# deploy-infra.sh sets; a train that fails on a 403 says so.
#
# Environment: RESOURCE_GROUP, ENVIRONMENT_NAME, REPORT_FOLDER; optional HISTORY_DAYS (default 28).
set -euo pipefail
set +x

: "${RESOURCE_GROUP:?}" "${ENVIRONMENT_NAME:?}" "${REPORT_FOLDER:?}"
days="${HISTORY_DAYS:-28}"
deployment="forecast-${ENVIRONMENT_NAME}"
mkdir -p "$REPORT_FOLDER"

fail() { echo "##vso[task.logissue type=error]$1"; exit 1; }

# " <object id>" of the signed-in principal (the oid claim of its token, never printed), or nothing.
principal_hint() {
  local payload
  payload="$(az account get-access-token --query accessToken --output tsv 2>/dev/null | cut -d. -f2 | tr '_-' '/+')" || return 0
  while [ $((${#payload} % 4)) -ne 0 ]; do payload="${payload}="; done
  payload="$(base64 -d <<<"$payload" 2>/dev/null | jq -r '.oid // empty' 2>/dev/null || true)"
  [ -z "$payload" ] || echo " $payload"
}

outputs="$(az deployment group show --resource-group "$RESOURCE_GROUP" --name "$deployment" --query properties.outputs --output json)" ||
  fail "no deployment $deployment in $RESOURCE_GROUP: deploy the environment first"
blob="$(jq -r '.blobServiceUri.value // empty' <<<"$outputs")"
app="$(jq -r '.functionAppName.value // empty' <<<"$outputs")"
[ -n "$blob" ] && [ -n "$app" ] || fail "the deployment $deployment has no blobServiceUri or functionAppName output"
export AzureWebJobsStorage__blobServiceUri="$blob"
echo "storage: $blob (app $app)"

# Every %SETTING% the configuration refers to, except schedules (they stay references, as in the app).
settings="$(az functionapp config appsettings list --resource-group "$RESOURCE_GROUP" --name "$app" --output json)"
config_file="$(jq -r '.[] | select(.name == "FORECAST_CONFIG") | .value' <<<"$settings")"
config_file="${config_file:-config/solar-park.json}"
[ -f "$config_file" ] || fail "the app's configuration $config_file is not in the repository"
export FORECAST_CONFIG="$config_file"
for name in $(jq -r '[paths(type == "string") as $p | select($p[-1] != "schedule") | getpath($p)
                      | select(test("^%[A-Za-z0-9_]+%$")) | .[1:-1]] | unique[]' "$config_file"); do
  value="$(jq -r --arg n "$name" '.[] | select(.name == $n) | .value' <<<"$settings")"
  [ -n "$value" ] || fail "the app setting $name, which $config_file refers to, is not set on $app"
  # Masked in every later line of the job's log (learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands).
  if grep -Eqi 'KEY|SECRET|PASSWORD|TOKEN' <<<"$name"; then echo "##vso[task.setsecret]$value"; fi
  export "$name=$value"
done
unset settings value

set +e
npm run train -- --days "$days" 2>&1 | tee "$REPORT_FOLDER/train.log"
status="${PIPESTATUS[0]}"
set -e
npm run models -- list >"$REPORT_FOLDER/models.txt" 2>&1 || true

if [ "$status" -ne 0 ]; then
  outcome="failed"
elif grep -q '^promoted:' "$REPORT_FOLDER/train.log"; then
  outcome="promoted"
else
  outcome="published, not promoted"
fi
echo "##vso[task.setvariable variable=outcome;isOutput=true]$outcome"

{
  echo "# Retrain ($ENVIRONMENT_NAME): $outcome"
  echo
  echo "- storage account: \`$blob\`"
  echo "- history: $days days, commit \`${BUILD_SOURCEVERSION:-unknown}\`"
  echo
  echo '## Train'
  echo '```'
  grep -v 'training \[' "$REPORT_FOLDER/train.log" | tail -n 60
  echo '```'
  echo '## Registry'
  echo '```'
  cat "$REPORT_FOLDER/models.txt"
  echo '```'
} >"$REPORT_FOLDER/summary.md"
echo "##vso[task.uploadsummary]$REPORT_FOLDER/summary.md"

if [ "$status" -ne 0 ] && grep -Eq 'AuthorizationPermissionMismatch|AuthorizationFailure|\b403\b' "$REPORT_FOLDER/train.log"; then
  account="$(sed -E 's#^https://([^.]+)\..*#\1#' <<<"$blob")"
  fail "npm run train was refused by Blob Storage (403): the service connection's principal$(principal_hint) has no data role on storage account $account. It needs Storage Blob Data Contributor on the app's containers (raw, images, features, quarantine, models, state, forecasts): deploy the environment with pipelines/scripts/deploy-infra.sh, which grants it through bicep/main.bicep's pipelinePrincipalId (or add the principal to operators), then retry"
fi
[ "$status" -eq 0 ] || fail "npm run train failed (exit $status); see train.log in the artifact"
