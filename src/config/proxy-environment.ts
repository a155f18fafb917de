/**
 * Whether the environment names an HTTP proxy for calls to `url`, the variables axios honours
 * (`<protocol>_proxy`, `all_proxy`, their upper-case and npm_config_ forms). When one is set, the
 * upstream clients leave every call to axios, which implements proxies (and `NO_PROXY`).
 */
export function proxyConfigured(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const protocol = url.toLowerCase().startsWith('https:') ? 'https' : 'http';
  const names = [`${protocol}_proxy`, 'all_proxy', `npm_config_${protocol}_proxy`, 'npm_config_proxy'];
  return names.some((name) => Boolean(env[name] || env[name.toUpperCase()]));
}
