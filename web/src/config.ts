/** How this console signs in, read once from `/config.json` (the local gateway or CloudFront serves it). */
export type ConsoleConfig =
  | { auth: 'local'; users?: { email: string; role: string; organisationId: string }[] }
  | {
      auth: 'cognito';
      apiUrl: string;
      authority: string;
      clientId: string;
      domain: string;
      redirectUri: string;
      logoutUri: string;
    };

let loaded: Promise<ConsoleConfig> | undefined;

export function consoleConfig(): Promise<ConsoleConfig> {
  loaded ??= fetch('/config.json', { headers: { accept: 'application/json' } }).then(async (res) => {
    if (!res.ok) throw new Error(`La configuration de la console est introuvable (${res.status}).`);
    return (await res.json()) as ConsoleConfig;
  });
  return loaded;
}

/** Where the API is: the same origin locally, the API's URL in AWS. */
export async function apiBase(): Promise<string> {
  const config = await consoleConfig();
  return config.auth === 'cognito' ? config.apiUrl.replace(/\/+$/, '') : '';
}
