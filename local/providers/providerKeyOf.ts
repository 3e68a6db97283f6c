import type { ProviderConfig } from '../../shared/config/ForecastConfig';

/** The secret a configured provider presents (the simulated providers check it, whatever way it is carried). */
export function providerKeyOf(provider: ProviderConfig): string {
  if (provider.protocol === 'native') return provider.apiKey;
  const auth = provider.auth;
  switch (auth.kind) {
    case 'header':
    case 'query':
      return auth.value;
    case 'bearer':
      return auth.token;
    case 'basic':
      return auth.password;
    default:
      return '';
  }
}
