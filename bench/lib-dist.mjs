// @ts-check
import { startEmulatorProcess } from './emulator.mjs';

/**
 * The tool's modules as users run them: the build in dist/ (`npm run bench` builds first), with
 * the emulator in its own process.
 * @returns {Promise<import('./measure.mjs').BenchLib>}
 */
export async function loadDistLib() {
  const dist = new URL('../dist/', import.meta.url);
  const load = (path) => import(new URL(path, dist).href);
  const [policy, milvus, executor, run, plan, canonical, sdk] = await Promise.all([
    load('policy/index.js'),
    load('milvus/index.js'),
    load('apply/executor.js'),
    load('apply/run.js'),
    load('plan/make.js'),
    load('model/canonical.js'),
    import('@zilliz/milvus2-sdk-node'),
  ]);
  return {
    loadPolicyText: policy.loadPolicyText,
    connect: milvus.connect,
    connectionOptionsFromEnv: milvus.connectionOptionsFromEnv,
    readLiveState: milvus.readLiveState,
    executeOperation: milvus.executeOperation,
    envSecretResolver: milvus.envSecretResolver,
    executePlan: executor.executePlan,
    makePlan: plan.makePlan,
    canonicalState: canonical.canonicalState,
    statesEqual: canonical.statesEqual,
    parallelism: run.DEFAULT_PARALLELISM,
    retry: run.DEFAULT_RETRY,
    MilvusClient: sdk.MilvusClient,
    startEmulator: startEmulatorProcess,
  };
}
