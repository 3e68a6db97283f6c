import { escapeHtml } from './escapeHtml';

/** A small page saying why the dashboard could not be shown (the message escaped), with a link to the default view. */
export function errorPage(message: string, apiBase: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Forecast dashboard - bad request</title>
<link rel="stylesheet" href="${escapeHtml(`${apiBase}dashboard/assets/dashboard.css`)}">
</head>
<body>
<h1>Forecast dashboard</h1>
<div class="errors" role="alert"><strong>Bad request</strong><p>${escapeHtml(message)}</p></div>
<p><a href="${escapeHtml(`${apiBase}dashboard`)}">Open the dashboard of the first site</a></p>
</body>
</html>
`;
}
