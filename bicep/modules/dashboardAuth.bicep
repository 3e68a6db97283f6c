// App Service Authentication ("Easy Auth") in front of the Function App. The dashboard and its data routes are
// anonymous at the Functions level, so a signed-in browser reads them same-origin with no key in any URL; the
// platform refuses everyone else before the Functions host sees the request. The key-protected API routes, the
// liveness probe and Event Grid's blob webhook are excluded: their function or system key is their protection, and
// Event Grid sends no Entra token. Without an app registration the dashboard stays closed (401), never open.

@description('Required. Name of the Function App.')
param siteName string

@description('Optional. Application (client) id of the Entra app registration people sign in to the dashboard with; empty: no sign-in, and the dashboard routes answer 401 to everyone.')
param clientId string = ''

@description('Optional. Tenant id of that registration.')
param tenantId string = tenant().tenantId

@description('Optional. Object ids of the users or groups allowed in; empty: anyone the registration lets sign in (use "Assignment required" on its enterprise application to limit that).')
param allowedPrincipalIds string[] = []

// Exact routes (no query string): each is open (liveness) or protected by its own key.
var excludedPaths = [
  '/api/health'
  '/api/health/details'
  '/api/forecast'
  '/api/actuals'
  '/runtime/webhooks/blobs'
]

var signIn = !empty(clientId)

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: siteName
}

resource auth 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: signIn ? 'RedirectToLoginPage' : 'Return401'
      redirectToProvider: signIn ? 'azureactivedirectory' : null
      excludedPaths: excludedPaths
    }
    httpSettings: {
      requireHttps: true
      routes: { apiPrefix: '/.auth' }
      forwardProxy: { convention: 'NoProxy' }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: signIn
        // No client secret: sign-in then uses the OpenID Connect ID token alone, which is all the dashboard needs,
        // and no secret sits in an app setting.
        registration: signIn ? {
          clientId: clientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
        } : null
        validation: signIn ? {
          allowedAudiences: [clientId, 'api://${clientId}']
          defaultAuthorizationPolicy: empty(allowedPrincipalIds) ? null : { allowedPrincipals: { identities: allowedPrincipalIds } }
        } : null
      }
    }
    login: {
      tokenStore: { enabled: false }
      preserveUrlFragmentsForLogins: false
    }
  }
}

@description('Paths that need no sign-in (each is open liveness or has its own key).')
output excludedPaths string[] = excludedPaths

@description('Whether people sign in (an app registration is configured) or the dashboard is closed.')
output signIn bool = signIn
