import { UpstreamClient } from '../adapters/http/upstream-client';
import { HttpDependencyProbe } from '../adapters/http-probe/http-dependency-probe';
import { LiteLlmHealthMonitor, probeCallLogger } from '../adapters/litellm/litellm-health-monitor';
import { EmbeddedProbe } from '../adapters/memory/embedded-probe';
import { RedisProbe } from '../adapters/redis/redis-probe';
import { CheckHealth, HEALTH_CHECK_OPTIONS } from '../application/health/check-health.use-case';
import type { Config } from '../config/config';
import { DEPENDENCY_PROBES, type DependencyProbe } from '../ports/dependency-probe.port';
import type { FeatureModule, Shared } from './shared';

/** Dependency probes for `/health`: cheap, free calls only; embedded twins always answer. */
export const health: FeatureModule = {
  name: 'health',
  register(c, config, shared) {
    const timeoutMs = config.healthProbeTimeoutMs;
    const { clock } = shared;
    const probes: DependencyProbe[] = [
      config.edgeFunctionUrl
        ? new HttpDependencyProbe(
            { name: 'edge_function', adapter: 'edge-function', required: true, url: config.edgeFunctionUrl, method: 'OPTIONS', timeoutMs },
            clock,
          )
        : new EmbeddedProbe('edge_function', true),
      config.supabaseUrl
        ? new HttpDependencyProbe(
            {
              name: 'supabase',
              adapter: 'supabase',
              required: true,
              url: `${config.supabaseUrl}/auth/v1/health`,
              headers: config.supabaseAnonKey ? { apikey: config.supabaseAnonKey } : undefined,
              timeoutMs,
            },
            clock,
          )
        : new EmbeddedProbe('supabase', true),
      config.litellmUrl ? startLiteLlmMonitor(config, config.litellmUrl, shared) : new EmbeddedProbe('litellm', true),
    ];
    if (shared.redis) probes.push(new RedisProbe(shared.redis, clock));
    for (const probe of probes) c.register(DEPENDENCY_PROBES, { useValue: probe });
    c.registerInstance(HEALTH_CHECK_OPTIONS, { probeTimeoutMs: timeoutMs, reuseForMs: 1000 });
    c.registerSingleton(CheckHealth);
  },
};

/**
 * LiteLLM is probed periodically, with its own small client: no retries (one probe, one sample)
 * and no breaker, so a probe never opens the circuit of the calls users make, nor is held back by it.
 */
function startLiteLlmMonitor(config: Config, litellmUrl: string, { clock, logger, resources }: Shared): LiteLlmHealthMonitor {
  const timeoutMs = config.healthProbeTimeoutMs;
  const probeClient = new UpstreamClient(
    {
      name: 'litellm_health',
      baseURL: litellmUrl,
      poolSize: 2,
      timeoutMs,
      retries: 0,
      failureThreshold: Number.MAX_SAFE_INTEGER,
      // A liveness answer is a few bytes.
      maxResponseBytes: 64 * 1024,
    },
    clock,
    probeCallLogger(logger.child({ component: 'litellm-health' })),
  );
  const monitor = new LiteLlmHealthMonitor(
    probeClient,
    { intervalMs: config.litellmHealthIntervalSeconds * 1000, timeoutMs },
    clock,
    logger.child({ component: 'litellm-health' }),
  );
  monitor.start();
  resources.add('litellm-health-monitor', async () => monitor.stop());
  return monitor;
}
