#!/usr/bin/env bash
# Deploys an environment's infrastructure in an AzureCLI@2 step signed in as the service connection:
#   whatIf       preview bicep/main.bicep with the environment's .bicepparam file
#   create       deploy it; its outputs become pipeline variables, and previouslyDeployed says whether the
#                environment had been deployed before (the smoke test demands a healthy forecast only then)
#   imageEvents  after the code deployment: wait until the app answers and has its blobs_extension key, then deploy
#                bicep/imageEvents.bicep (the Event Grid subscription of preprocess-image), with retries
# whatIf and create first check that the signed-in principal may do what the templates do (bicep/README.md, "The
# service connection"), and read the existing budget's start date, which the Budgets API never lets change.
#
# Environment: RESOURCE_GROUP, ENVIRONMENT_NAME, BICEP_PARAM_FILE, BICEP_VERSION; SECRET_NAMES and the secrets it
# names (the provider keys and other provider secrets the .bicepparam reads: SITE_METER_KEY, ...). Optional:
# BUDGET_START_DATE (yyyy-MM-01; overrides the existing budget's), PIPELINE_PRINCIPAL_ID (overrides the signed-in
# principal's object id), SKIP_PERMISSION_CHECK=true, ATTEMPTS and DELAY_SECONDS (imageEvents waits; default 20 x 30 s),
# DEPLOY_ATTEMPTS (imageEvents deployment tries; default 3).
set -euo pipefail
set +x

mode="${1:-}"
case "$mode" in whatIf | create | imageEvents) ;; *) echo "usage: deploy-infra.sh whatIf|create|imageEvents" >&2; exit 2 ;; esac
: "${RESOURCE_GROUP:?RESOURCE_GROUP is not set}" "${ENVIRONMENT_NAME:?ENVIRONMENT_NAME is not set}"
: "${BICEP_PARAM_FILE:?BICEP_PARAM_FILE is not set}" "${BICEP_VERSION:?BICEP_VERSION is not set}"

# One deployment name per environment, so later steps and pipelines (retrain) find its outputs.
deployment="forecast-${ENVIRONMENT_NAME}"
attempts="${ATTEMPTS:-20}"
delay="${DELAY_SECONDS:-30}"

# Role definition ids of every Azure role assignment bicep/main.bicep makes (its output assignedRoleDefinitionIds):
# Storage Blob Data Contributor, Storage Blob Data Owner, Storage Queue Data Contributor, Monitoring Metrics
# Publisher, Cost Management Reader. The service connection's Role Based Access Control Administrator condition must
# allow each; test/bicep checks this list against the compiled templates and bicep/README.md.
assigned_roles="ba92f5b4-2d11-453d-a403-e96b0029c9fe b7e6dc6d-f1e8-4753-8033-0f276bb0955b 974c5e8b-45b9-4653-ba55-5f855dd0fb88 3913510d-42f4-4e42-8a64-420c390055eb 72fafb9e-0641-4937-9268-a91bfd8191a3"
# What deploying main.bicep asks of the principal on the resource group (checked before anything is changed).
required_actions="Microsoft.Resources/deployments/write Microsoft.ManagedIdentity/userAssignedIdentities/write Microsoft.Storage/storageAccounts/write Microsoft.OperationalInsights/workspaces/write Microsoft.Insights/components/write Microsoft.DocumentDB/databaseAccounts/write Microsoft.EventGrid/systemTopics/write Microsoft.Web/serverfarms/write Microsoft.Web/sites/write Microsoft.Web/sites/host/listkeys/action Microsoft.Insights/actionGroups/write Microsoft.Consumption/budgets/write Microsoft.Authorization/roleAssignments/write"
# Built-in roles that may assign roles: Owner, User Access Administrator, Role Based Access Control Administrator.
admin_roles="8e3af657-a8ff-443c-a75c-2fe8c4bcb635 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9 f58310d9-a9f6-439a-9e8d-f62e7b41a168"

fail() { echo "##vso[task.logissue type=error]$1"; exit 1; }

deployment_outputs() {
  az deployment group show --resource-group "$RESOURCE_GROUP" --name "$deployment" --query properties.outputs --output json 2>/dev/null || true
}
output_of() { jq -r --arg n "$1" '(. // {})[$n].value // empty' <<<"$2"; }

# The object id of the signed-in principal, from the oid claim of its Resource Manager token (no Graph permission
# needed). The token is decoded here and never printed.
signed_in_object_id() {
  local token payload
  token="$(az account get-access-token --query accessToken --output tsv)"
  payload="$(cut -d. -f2 <<<"$token" | tr '_-' '/+')"
  while [ $((${#payload} % 4)) -ne 0 ]; do payload="${payload}="; done
  base64 -d <<<"$payload" 2>/dev/null | jq -r '.oid // empty'
}

# Fails, naming what is missing, when the principal may not do what the templates do on the resource group.
check_permissions() {
  local oid="$1" rg_id="$2" permissions missing assignments unconditional conditions role lacking=""
  permissions="$(az rest --method get --url "${rg_id}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01" --output json)" ||
    fail "cannot read the permissions of the service connection's principal $oid on resource group $RESOURCE_GROUP"
  # An action is allowed when one permission entry has an action pattern matching it and no notAction matching it.
  missing="$(jq -r --arg required "$required_actions" '
      def rx: "^" + (gsub("\\."; "\\.") | gsub("\\*"; ".*")) + "$";
      def matches($a): any(.[]?; . as $p | $a | test($p | rx; "i"));
      .value as $entries
      | [$required | split(" ")[] | select(length > 0)
         | . as $a | select([$entries[] | select((.actions | matches($a)) and ((.notActions // []) | matches($a) | not))] | length == 0)]
      | join(" ")' <<<"$permissions")"
  if [ -n "$missing" ]; then
    fail "the service connection's principal $oid may not $(sed 's/ /, /g' <<<"$missing") on resource group $RESOURCE_GROUP: give it Contributor, and Role Based Access Control Administrator constrained to the roles in bicep/README.md (\"The service connection\")"
  fi
  # roleAssignments/write is allowed; when it comes only from conditional assignments, each condition must let through
  # every role the templates assign, or the deployment would fail halfway, at the first role it may not assign.
  assignments="$(az rest --method get --url "${rg_id}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&\$filter=principalId%20eq%20'${oid}'" --output json)" ||
    fail "cannot list the role assignments of the service connection's principal $oid on resource group $RESOURCE_GROUP"
  unconditional="$(jq -r --arg admins "$admin_roles" '[.value[].properties | select((.roleDefinitionId | split("/") | last) as $r | $admins | split(" ") | index($r)) | select((.condition // "") == "")] | length' <<<"$assignments")"
  conditions="$(jq -r --arg admins "$admin_roles" '[.value[].properties | select((.roleDefinitionId | split("/") | last) as $r | $admins | split(" ") | index($r)) | .condition // empty] | join("\n")' <<<"$assignments")"
  # The permissions list carries the condition of each conditional grant too (an assignment through a group, a custom
  # role): those that grant roleAssignments/write count as well.
  conditions="$conditions
$(jq -r '[.value[] | select(any(.actions[]?; ascii_downcase == "microsoft.authorization/roleassignments/write" or . == "*")) | .condition // empty] | join("\n")' <<<"$permissions")"
  conditions="$(grep -v '^$' <<<"$conditions" || true)"
  if [ "$unconditional" = "0" ] && [ -n "$conditions" ]; then
    for role in $assigned_roles; do
      grep -qi "$role" <<<"$conditions" || lacking="$lacking $role"
    done
    [ -z "$lacking" ] ||
      fail "the condition on the role-assigning role of the service connection's principal $oid does not allow the role definition id(s)${lacking}, which bicep/main.bicep assigns: add them to the condition (bicep/README.md, \"The service connection\")"
  fi
  echo "permissions: the service connection's principal $oid may deploy and assign the template's roles on $RESOURCE_GROUP"
}

# The start date of the environment's budget, which the Budgets API never lets change; empty when there is none yet.
existing_budget_start() {
  local rg_id="$1" outputs="$2" name budgets
  name="$(output_of budgetName "$outputs")"
  if [ -z "$name" ]; then
    # No earlier deployment record: the budget main.bicep names budget-<token>, if one exists.
    budgets="$(az rest --method get --url "${rg_id}/providers/Microsoft.Consumption/budgets?api-version=2023-11-01" --output json 2>/dev/null || echo '{}')"
    name="$(jq -r '[(.value // [])[] | select(.name | startswith("budget-")) | .name] | if length == 1 then .[0] else empty end' <<<"$budgets")"
  fi
  [ -n "$name" ] || return 0
  az rest --method get --url "${rg_id}/providers/Microsoft.Consumption/budgets/${name}?api-version=2023-11-01" \
    --query properties.timePeriod.startDate --output tsv 2>/dev/null | cut -c1-10 || true
}

# ---- imageEvents: the Event Grid subscription, once the deployed host answers ----------------------------------

if [ "$mode" = "imageEvents" ]; then
  outputs="$(deployment_outputs)"
  [ -n "$outputs" ] || fail "no deployment $deployment in $RESOURCE_GROUP: run deploy-infra.sh create first"
  app="$(output_of functionAppName "$outputs")"
  url="$(output_of functionAppUrl "$outputs")"
  for name in functionAppName functionAppUrl systemTopicName storageAccountName deadLetterContainerName; do
    [ -n "$(output_of "$name" "$outputs")" ] || fail "the deployment $deployment has no output $name"
  done

  # The host answers /api/health (200, or 503 with its JSON report while it cannot forecast yet) once it has started
  # after the code deployment; only then does it have, and can it list, the blob extension's key.
  answered=false
  for attempt in $(seq 1 "$attempts"); do
    status="$(curl --silent --output /dev/null --max-time 30 --write-out '%{http_code}' "$url/api/health" || true)"
    if [ "$status" = "200" ] || [ "$status" = "503" ]; then answered=true; break; fi
    echo "waiting for $app to answer /api/health (attempt $attempt/$attempts: HTTP ${status:-000})"
    sleep "$delay"
  done
  [ "$answered" = "true" ] || fail "$app did not answer GET /api/health after $attempts attempts (last HTTP ${status:-000}); the image events subscription was not deployed"

  has_key=false
  for attempt in $(seq 1 "$attempts"); do
    # Key names only; the key itself is read by the deployment (listKeys) and stays inside the subscription.
    if az functionapp keys list --resource-group "$RESOURCE_GROUP" --name "$app" --query 'keys(systemKeys || `{}`)' --output tsv 2>/dev/null | grep -qx blobs_extension; then
      has_key=true
      break
    fi
    echo "waiting for the blobs_extension key of $app (attempt $attempt/$attempts)"
    sleep "$delay"
  done
  [ "$has_key" = "true" ] || fail "the app $app has no blobs_extension key after its code was deployed (is preprocess-image registered with source: 'EventGrid'?); the image events subscription was not deployed"

  az bicep install --version "v${BICEP_VERSION}"
  deploy_attempts="${DEPLOY_ATTEMPTS:-3}"
  for attempt in $(seq 1 "$deploy_attempts"); do
    if az deployment group create \
      --resource-group "$RESOURCE_GROUP" \
      --name "${deployment}-image-events" \
      --template-file bicep/imageEvents.bicep \
      --parameters \
      "systemTopicName=$(output_of systemTopicName "$outputs")" \
      "storageAccountName=$(output_of storageAccountName "$outputs")" \
      "functionAppName=$app" \
      "deadLetterContainerName=$(output_of deadLetterContainerName "$outputs")" \
      --output none; then
      echo "image events subscription deployed (dead letters in container $(output_of deadLetterContainerName "$outputs"))"
      exit 0
    fi
    echo "##vso[task.logissue type=warning]deploying the image events subscription failed (attempt $attempt/$deploy_attempts); retrying in ${delay} s"
    [ "$attempt" -lt "$deploy_attempts" ] && sleep "$delay"
  done
  fail "the image events subscription of $app could not be deployed after $deploy_attempts attempts"
fi

# ---- whatIf and create: bicep/main.bicep ------------------------------------------------------------------------

# An unset secret variable reaches the step as the literal text $(NAME): never deploy that as a key.
for name in ${SECRET_NAMES:-}; do
  value="${!name:-}"
  if [ -z "$value" ] || [ "$value" = "\$($name)" ]; then
    echo "##vso[task.logissue type=error]the secret variable $name is not set (variable group forecast-${ENVIRONMENT_NAME}-secrets)"
    exit 1
  fi
done
unset value

# The same compiler version CI's bicep check uses, not whatever the agent's Azure CLI would fetch.
az bicep install --version "v${BICEP_VERSION}"
az bicep version

az group show --name "$RESOURCE_GROUP" --output none 2>/dev/null ||
  fail "resource group $RESOURCE_GROUP does not exist or the service connection cannot read it"
subscription_id="$(az account show --query id --output tsv)"
# az rest takes whole URLs: Resource Manager of the cloud the CLI is signed in to (https://management.azure.com/ in Azure).
arm="$(az cloud show --query endpoints.resourceManager --output tsv)"
rg_id="${arm%/}/subscriptions/${subscription_id}/resourceGroups/${RESOURCE_GROUP}"

principal="$(signed_in_object_id)"
[ -n "$principal" ] || fail "cannot tell the object id of the signed-in principal from its token"
if [ "$(tr '[:upper:]' '[:lower:]' <<<"${SKIP_PERMISSION_CHECK:-false}")" != "true" ]; then
  check_permissions "$principal" "$rg_id"
fi
# The pipeline trains and replays dead letters as this principal: main.bicep gives it its data role. A person deploying
# by hand is not the pipeline (and a role assignment for a user named as a service principal fails): none then.
if [ -z "${PIPELINE_PRINCIPAL_ID:-}" ]; then
  if [ "$(az account show --query user.type --output tsv)" = "servicePrincipal" ]; then
    PIPELINE_PRINCIPAL_ID="$principal"
  else
    echo "signed in as a user: no pipelinePrincipalId (add yourself to operators in the parameter file to train or replay)"
  fi
fi
export PIPELINE_PRINCIPAL_ID="${PIPELINE_PRINCIPAL_ID:-}"

previous_outputs="$(deployment_outputs)"
previous_state="$(az deployment group show --resource-group "$RESOURCE_GROUP" --name "$deployment" --query properties.provisioningState --output tsv 2>/dev/null || true)"

if [ -z "${BUDGET_START_DATE:-}" ]; then
  BUDGET_START_DATE="$(existing_budget_start "$rg_id" "$previous_outputs")"
fi
export BUDGET_START_DATE
echo "budget start: ${BUDGET_START_DATE:-the first of this month (new budget)}"

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
outputs="$(deployment_outputs)"
for name in functionAppName functionAppUrl blobServiceUri storageAccountName; do
  value="$(output_of "$name" "$outputs")"
  [ -n "$value" ] || fail "the deployment $deployment has no output $name"
  echo "$name=$value"
  echo "##vso[task.setvariable variable=$name]$value"
done

# The first deployment of an environment has no data yet: its smoke test cannot demand a forecast.
if [ "$previous_state" = "Succeeded" ]; then previously=true; else previously=false; fi
echo "previously deployed: $previously"
echo "##vso[task.setvariable variable=previouslyDeployed]$previously"
