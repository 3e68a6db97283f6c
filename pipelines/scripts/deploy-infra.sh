#!/usr/bin/env bash
# Previews (whatIf) or deploys (create) bicep/main.bicep with an environment's .bicepparam file, in an AzureCLI@2
# step signed in as the service connection. After `create`, the deployment outputs become pipeline variables.
#
# Environment: RESOURCE_GROUP, ENVIRONMENT_NAME, BICEP_PARAM_FILE, BICEP_VERSION; SECRET_NAMES and the secrets it
# names (the provider keys and other provider secrets the .bicepparam reads: SITE_METER_KEY, ...). Optional:
# SUBSCRIBE_IMAGE_EVENTS (true/false, overrides the detection below); WAIT_FOR_IMAGE_EVENTS_KEY (true/false, any case:
# wait for the app's blobs_extension key before deploying).
set -euo pipefail

mode="${1:-}"
case "$mode" in whatIf | create) ;; *) echo "usage: deploy-infra.sh whatIf|create" >&2; exit 2 ;; esac
: "${RESOURCE_GROUP:?RESOURCE_GROUP is not set}" "${ENVIRONMENT_NAME:?ENVIRONMENT_NAME is not set}"
: "${BICEP_PARAM_FILE:?BICEP_PARAM_FILE is not set}" "${BICEP_VERSION:?BICEP_VERSION is not set}"

# An unset secret variable reaches the step as the literal text $(NAME): never deploy that as a key.
for name in ${SECRET_NAMES:-}; do
  value="${!name:-}"
  if [ -z "$value" ] || [ "$value" = "\$($name)" ]; then
    echo "##vso[task.logissue type=error]the secret variable $name is not set (variable group forecast-${ENVIRONMENT_NAME}-secrets)"
    exit 1
  fi
done
unset value

# One deployment name per environment, so later steps and pipelines (retrain) find its outputs.
deployment="forecast-${ENVIRONMENT_NAME}"
wait_for_key="$(tr '[:upper:]' '[:lower:]' <<<"${WAIT_FOR_IMAGE_EVENTS_KEY:-false}")"

fail() { echo "##vso[task.logissue type=error]$1"; exit 1; }

# The same compiler version CI's bicep check uses, not whatever the agent's Azure CLI would fetch.
az bicep install --version "v${BICEP_VERSION}"
az bicep version

az group show --name "$RESOURCE_GROUP" --output none 2>/dev/null ||
  fail "resource group $RESOURCE_GROUP does not exist or the service connection cannot read it"

# The Event Grid subscription of preprocess-image posts to a webhook that needs the app's blobs_extension system
# key, and that key exists only once the code has been deployed and the host has started. Lists key names only.
app_name() {
  az deployment group show --resource-group "$RESOURCE_GROUP" --name "$deployment" \
    --query properties.outputs.functionAppName.value --output tsv 2>/dev/null || true
}
has_blobs_extension_key() {
  local app="$1"
  [ -n "$app" ] || return 1
  az functionapp keys list --resource-group "$RESOURCE_GROUP" --name "$app" \
    --query 'keys(systemKeys || `{}`)' --output tsv 2>/dev/null | grep -qx blobs_extension
}

if [ -z "${SUBSCRIBE_IMAGE_EVENTS:-}" ]; then
  app="$(app_name)"
  if [ "$wait_for_key" = "true" ]; then
    url="$(az deployment group show --resource-group "$RESOURCE_GROUP" --name "$deployment" \
      --query properties.outputs.functionAppUrl.value --output tsv)"
    for attempt in $(seq 1 20); do
      has_blobs_extension_key "$app" && break
      echo "waiting for the blobs_extension key of $app (attempt $attempt)"
      # A request starts the host, which creates the key for the blob trigger's extension.
      curl --silent --output /dev/null --max-time 30 "$url/api/health" || true
      sleep 30
    done
  fi
  if has_blobs_extension_key "$app"; then SUBSCRIBE_IMAGE_EVENTS=true; else SUBSCRIBE_IMAGE_EVENTS=false; fi
  [ "$wait_for_key" != "true" ] || [ "$SUBSCRIBE_IMAGE_EVENTS" = "true" ] ||
    fail "the app $app has no blobs_extension key after its code was deployed; the image events subscription cannot be created"
fi
export SUBSCRIBE_IMAGE_EVENTS
echo "image events subscription: $SUBSCRIBE_IMAGE_EVENTS"

if [ "$mode" = "whatIf" ]; then
  az deployment group what-if \
    --resource-group "$RESOURCE_GROUP" \
    --name "$deployment" \
    --parameters "$BICEP_PARAM_FILE" \
    --result-format FullResourcePayloads
  exit 0
fi

az deployment group create \
  --resource-group "$RESOURCE_GROUP" \
  --name "$deployment" \
  --parameters "$BICEP_PARAM_FILE" \
  --output none

# Outputs hold names and endpoints only (no secrets, by the templates' design); later steps read them as variables.
outputs="$(az deployment group show --resource-group "$RESOURCE_GROUP" --name "$deployment" --query properties.outputs --output json)"
for name in functionAppName functionAppUrl blobServiceUri storageAccountName; do
  value="$(jq -r --arg n "$name" '.[$n].value // empty' <<<"$outputs")"
  [ -n "$value" ] || fail "the deployment $deployment has no output $name"
  echo "$name=$value"
  echo "##vso[task.setvariable variable=$name]$value"
done

if [ "$SUBSCRIBE_IMAGE_EVENTS" = "true" ]; then
  echo "##vso[task.setvariable variable=imageEventsPending]false"
else
  echo "##vso[task.setvariable variable=imageEventsPending]true"
fi
